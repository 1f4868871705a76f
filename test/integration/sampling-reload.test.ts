import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogging, type Logging, LogweaveConfigError, runWithRequestContext } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

const DROPPED_TRACEPARENT = '00-4bf92f3577b34da6a300000000000001-00f067aa0ba902b7-01';

function tempConfig(text: string): { path: string; write(text: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-reload-'));
  const path = join(dir, 'logweave.yaml');
  const write = (next: string): void => {
    // Atomic replace, as editors and config managers do.
    writeFileSync(`${path}.tmp`, next);
    renameSync(`${path}.tmp`, path);
  };
  write(text);
  return { path, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Waits (bounded) until `condition` holds; the reload is asynchronous after a file change. A poll
 * rather than an event: the file watcher's reload has no public event, and each probe logs a
 * record, so it polls every 25 ms instead of spinning on setImmediate.
 */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (condition()) return;
    await delay(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function keptInfo(logging: Logging, module: string): boolean {
  const before = logging.stats().kept;
  runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, () => logging.getLogger(module).info('probe'));
  const after = logging.stats().kept;
  return Object.keys(after).some((rule) => after[rule] !== before[rule]);
}

describe('config reload', () => {
  test('a changed file is applied; an invalid one keeps the old policy and says which field and why', async () => {
    const config = tempConfig('sampling:\n  default: { info: 0 }\n');
    const diagnostics: string[] = [];
    const logging = createLogging({
      config: config.path,
      exporter: 'none',
      handleSignals: false,
      diagnosticIntervalMillis: 0,
      diagnosticWriter: (line) => diagnostics.push(line),
    });
    try {
      assert.equal(keptInfo(logging, 'orders'), false);
      config.write('sampling:\n  default: { info: 1 }\n');
      await eventually(() => keptInfo(logging, 'orders'), 'the watched file to be applied');

      config.write('sampling:\n  default: { info: 2 }\n');
      const result = logging.reloadConfig();
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.error instanceof LogweaveConfigError);
      assert.equal(result.error.path, `${config.path}.sampling.default.info`);
      assert.match(result.error.message, /expected a value at most 1, received 2/);
      assert.equal(keptInfo(logging, 'orders'), true, 'the previous policy stays in force');
      await eventually(
        () => diagnostics.some((line) => line.includes('previous sampling policy stays in force')),
        'the failed reload to be reported',
      );

      config.write('sampling: [not, a, mapping\n');
      assert.equal(logging.reloadConfig().ok, false);
      assert.equal(keptInfo(logging, 'orders'), true);

      config.write('sampling:\n  default: { info: 1 }\n  modules: { orders: { info: 0 } }\n');
      assert.deepEqual(logging.reloadConfig(), { ok: true, changed: true });
      assert.equal(keptInfo(logging, 'orders'), false);
      assert.equal(keptInfo(logging, 'payments'), true);
    } finally {
      await logging.shutdown();
      config.cleanup();
    }
  });

  test('SIGHUP reloads the file', async () => {
    const config = tempConfig('sampling:\n  default: { info: 0 }\n');
    const logging = createLogging({
      config: config.path,
      exporter: 'none',
      diagnosticWriter: () => undefined,
      // Without the watcher, only the signal can apply the change.
      env: { LOGWEAVE_CONFIG_WATCH: 'false' },
    });
    try {
      // Written in place, without an atomic rename, and then announced by the signal.
      writeFileSync(config.path, 'sampling:\n  default: { info: 1 }\n');
      // Time has to pass: the claim is that nothing happens without the signal, for a while.
      await delay(300);
      assert.equal(keptInfo(logging, 'orders'), false, 'not watched: nothing changes before the signal');
      process.kill(process.pid, 'SIGHUP');
      await eventually(() => keptInfo(logging, 'orders'), 'SIGHUP to reload the file');
    } finally {
      await logging.shutdown();
      config.cleanup();
    }
    assert.equal(process.listenerCount('SIGHUP'), 0, 'shutdown removes the SIGHUP listener');
  });

  test('sampling given in code wins over the file, also across reloads', async () => {
    const config = tempConfig('sampling:\n  default: { info: 1 }\n');
    const logging = createLogging({
      config: config.path,
      exporter: 'none',
      handleSignals: false,
      sampling: { default: { info: 0 } },
    });
    try {
      assert.equal(keptInfo(logging, 'orders'), false);
      config.write('sampling:\n  default: { info: 1 }\n  modules: { x: { info: 1 } }\n');
      assert.equal(logging.reloadConfig().ok, true);
      assert.equal(keptInfo(logging, 'orders'), false);
    } finally {
      await logging.shutdown();
      config.cleanup();
    }
  });

  test('reloading under load loses nothing: every record is kept or counted, held records survive', async () => {
    const keepAll = 'sampling:\n  default: { info: 1, debug: 0 }\n  errorBuffer: {}\n';
    const keepAllOtherwise =
      'sampling:\n  default: { info: 1, debug: 0 }\n  modules: { other: { info: 0.5 } }\n  errorBuffer: { maxRecords: 500 }\n';
    const config = tempConfig(keepAll);
    const pipeline = memoryPipeline({
      config: config.path,
      level: 'debug',
      batch: { maxQueueSize: 200_000, maxExportBatchSize: 10_000, scheduledDelayMillis: 10 },
    });
    const { logging } = pipeline;
    const log = logging.getLogger('orders');
    let stop = false;
    let infos = 0;
    const failingStories: Array<Promise<void>> = [];
    const producer = (async () => {
      while (!stop) {
        for (let index = 0; index < 200; index++) {
          log.info('steady', { index: infos++ });
        }
        // A failing request whose held DEBUG lines span several reloads (the waits are what make
        // them span reloads, which happen every few milliseconds below).
        failingStories.push(
          runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, async () => {
            log.debug('held 1');
            await delay(5);
            log.debug('held 2');
            await delay(5);
            log.error('story failed');
          }),
        );
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    try {
      for (let reload = 0; reload < 40; reload++) {
        config.write(reload % 2 === 0 ? keepAllOtherwise : keepAll);
        const result = logging.reloadConfig();
        assert.equal(result.ok, true);
        // Time has to pass between reloads, for the producer and the stories to run under each policy.
        await delay(3);
      }
    } finally {
      stop = true;
      await producer;
      await Promise.all(failingStories);
    }
    const records = await pipeline.records();
    const steady = records.filter((record) => record.body === 'steady');
    assert.equal(steady.length, infos, 'every INFO of the steady stream arrived');
    assert.deepEqual(
      steady.map((record) => record.attributes['index']),
      Array.from({ length: infos }, (_, index) => index),
    );
    const stories = failingStories.length;
    assert.equal(records.filter((record) => record.body === 'held 1').length, stories);
    assert.equal(records.filter((record) => record.body === 'held 2').length, stories);
    const stats = logging.stats();
    assert.equal(stats.dropped.buffer_overflow, undefined);
    await logging.shutdown();
    config.cleanup();
  });
});
