import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogging, LogweaveConfigError, type Logging, type LoggingOptions } from '../../src/index.ts';

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => `${line(index)}\n`).join('');

/** A valid sampling section of `count` modules; 5,500 is about the largest the token limit accepts. */
const modulesFile = (count: number, info = 1): string =>
  `sampling:\n  default: { info: ${info} }\n  modules:\n${lines(count, (index) => `    m${index}: { info: 0.5 }`)}`;

function tempConfig(text: string): { path: string; write(text: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-reload-'));
  const path = join(dir, 'logweave.yaml');
  const write = (next: string): void => {
    writeFileSync(`${path}.tmp`, next);
    renameSync(`${path}.tmp`, path);
  };
  write(text);
  return { path, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function configError(options: LoggingOptions): LogweaveConfigError {
  try {
    void createLogging({ exporter: 'none', handleSignals: false, env: {}, ...options }).shutdown();
  } catch (error) {
    assert.ok(error instanceof LogweaveConfigError, `expected LogweaveConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('createLogging accepted the file');
}

/** Whether an INFO line outside any request is kept now (the default rule decides). */
function keepsInfo(logging: Logging): boolean {
  const before = Object.values(logging.stats().kept).reduce((sum, count) => sum + count, 0);
  logging.getLogger('probe').info('probe');
  return Object.values(logging.stats().kept).reduce((sum, count) => sum + count, 0) > before;
}

async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (condition()) return;
    await delay(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a config file replaced by a huge one is refused at reload without reading it whole', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logweave-reload-')), 'logweave.yaml');
  writeFileSync(file, 'sampling:\n  default: { info: 0.5 }\n');
  const lines: string[] = [];
  const logging = createLogging({
    config: file,
    exporter: 'none',
    handleSignals: false,
    diagnosticWriter: (line) => lines.push(line),
    env: { LOGWEAVE_CONFIG_WATCH: 'false' },
  });
  writeFileSync(file, `sampling:\n  default: { info: 1 }\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const result = logging.reloadConfig();
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.error instanceof LogweaveConfigError);
  assert.match(result.error.expected, /at most 1048576 bytes/);
  assert.ok(
    lines.some((line) => line.includes('at most 1048576 bytes')),
    'the refusal is reported on stderr',
  );
  await logging.shutdown();
});

describe('config files cost time linear in their size, and what the limits refuse costs little', () => {
  test('40,000 keys are refused with an error naming the token limit (they took 69 s to parse)', () => {
    const config = tempConfig(lines(40_000, (index) => `k${index}: 1`));
    try {
      const error = configError({ config: config.path });
      assert.match(error.expected, /at most 50000 YAML tokens/);
      assert.equal(error.path, config.path);
      // The same number of modules in a valid shape is refused the same way.
      config.write(modulesFile(40_000));
      assert.match(configError({ config: config.path }).expected, /at most 50000 YAML tokens/);
    } finally {
      config.cleanup();
    }
  });

  test('block nesting ("- - - …") is refused before the parser builds it: little time and memory', () => {
    const config = tempConfig('- '.repeat(524_287));
    try {
      const heapBefore = process.memoryUsage().heapUsed;
      const error = configError({ config: config.path });
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      assert.match(error.expected, /at most 64 nested/);
      assert.match(error.received, /line 1, column \d+/);
      // The 1 MiB text itself is 1 MiB (2 as UTF-16); parsing it held 314 to 490 MiB before failing.
      assert.ok(heapGrowth < 48 * 2 ** 20, `heap grew by ${(heapGrowth / 2 ** 20).toFixed(0)} MiB`);
    } finally {
      config.cleanup();
    }
  });

  test('the largest accepted file is parsed and applied; one over the limit is refused', async () => {
    const config = tempConfig(modulesFile(5_500));
    try {
      const logging = createLogging({ config: config.path, exporter: 'none', handleSignals: false, env: {} });
      assert.equal(Object.keys(logging.resolvedOptions.sampling?.modules ?? {}).length, 5_500);
      await logging.shutdown();
      config.write(modulesFile(6_500));
      assert.match(configError({ config: config.path }).expected, /at most 50000 YAML tokens/);
    } finally {
      config.cleanup();
    }
  });
});

describe('a reload never stalls the event loop', () => {
  // The watcher and SIGHUP parse in a worker thread: the event loop reads the file and applies the
  // parsed section. A parse on the event loop stalled it for seconds (4 s for 5,500 modules, 29 s
  // for 20,000). The stall is measured as the CPU time the event loop's thread spends between two
  // turns of a 5 ms timer: what our work costs the loop, which a busy shared machine does not
  // inflate (on 2 shared cores, even an idle loop's timer is late by 20-60 ms, and a worker thread
  // busy parsing makes it later still: that is the machine, not the loop being blocked). The raw
  // event-loop delay (monitorEventLoopDelay) is bounded too, loosely, far below the old stalls.
  const STALL_BUDGET_MILLIS = 50;
  const DELAY_SANITY_BOUND_MILLIS = 1_000;

  /** While `work` runs: the event-loop delay max, and the most CPU time between two timer turns. */
  async function measured(work: () => Promise<void>): Promise<{ loopMax: number; busiest: number }> {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    let previous = process.threadCpuUsage();
    let busiest = 0;
    const sample = (): void => {
      const now = process.threadCpuUsage();
      busiest = Math.max(busiest, (now.user - previous.user + now.system - previous.system) / 1000);
      previous = now;
    };
    const sampler = setInterval(sample, 5);
    histogram.enable();
    try {
      await work();
      // A stall that ends the work (the apply) is recorded by the samplers' next turns: let them run.
      await delay(15);
    } finally {
      histogram.disable();
      clearInterval(sampler);
      sample();
    }
    return { loopMax: histogram.max / 1e6, busiest };
  }

  for (const [what, text, outcome] of [
    ['the largest accepted file', modulesFile(5_500), 'applied'],
    ['a file of 20,000 modules (refused)', modulesFile(20_000), 'refused'],
  ] as const) {
    test(`a watched file rewritten with ${what}`, async (t) => {
      const config = tempConfig('sampling:\n  default: { info: 0 }\n');
      const reports: string[] = [];
      const logging = createLogging({
        config: config.path,
        exporter: 'none',
        handleSignals: false,
        diagnosticIntervalMillis: 0,
        diagnosticWriter: (line) => reports.push(line),
      });
      try {
        assert.equal(keepsInfo(logging), false);
        const reload = await measured(async () => {
          config.write(text);
          if (outcome === 'applied') {
            await eventually(() => keepsInfo(logging), 'the rewritten file to be applied');
          } else {
            await eventually(
              () => reports.some((line) => line.includes('at most 50000 YAML tokens')),
              'the refusal to be reported',
            );
          }
        });
        if (outcome === 'refused') assert.equal(keepsInfo(logging), false, 'the previous policy stays');
        const report = `busiest turn ${reload.busiest.toFixed(1)} ms of CPU, event-loop delay max ${reload.loopMax.toFixed(1)} ms`;
        assert.ok(
          reload.busiest <= STALL_BUDGET_MILLIS,
          `the event loop stalled during the reload: ${report}`,
        );
        assert.ok(
          reload.loopMax <= DELAY_SANITY_BOUND_MILLIS,
          `the event loop stalled during the reload: ${report}`,
        );
        t.diagnostic(report);
      } finally {
        await logging.shutdown();
        config.cleanup();
      }
    });
  }

  test('reloadConfigAsync() parses off the event loop and resolves with what reloadConfig() returns', async () => {
    const config = tempConfig('sampling:\n  default: { info: 0 }\n');
    const logging = createLogging({
      config: config.path,
      exporter: 'none',
      handleSignals: false,
      diagnosticWriter: () => undefined,
      env: { LOGWEAVE_CONFIG_WATCH: 'false' },
    });
    try {
      config.write(modulesFile(3));
      const pending = logging.reloadConfigAsync();
      assert.equal(keepsInfo(logging), false, 'nothing is applied before the parse resolves');
      assert.deepEqual(await pending, { ok: true, changed: true });
      assert.equal(keepsInfo(logging), true);
      assert.deepEqual(await logging.reloadConfigAsync(), { ok: true, changed: false });

      config.write('sampling:\n  default: { info: 2 }\n');
      const failed = await logging.reloadConfigAsync();
      assert.ok(!failed.ok && failed.error instanceof LogweaveConfigError);
      assert.equal(failed.error.path, `${config.path}.sampling.default.info`);
      assert.equal(failed.error.received, '2');
      assert.match(failed.error.message, /expected a value at most 1, received 2/);
      assert.equal(keepsInfo(logging), true, 'the previous policy stays in force');

      // Calls made while a parse runs share one reload queued after it.
      config.write(modulesFile(3, 0));
      const [first, second, third] = [
        logging.reloadConfigAsync(),
        logging.reloadConfigAsync(),
        logging.reloadConfigAsync(),
      ];
      assert.equal(second, third);
      assert.deepEqual(await first, { ok: true, changed: true });
      assert.deepEqual(await second, { ok: true, changed: false });
      assert.equal(keepsInfo(logging), false);
    } finally {
      await logging.shutdown();
      config.cleanup();
    }
    const closed = await logging.reloadConfigAsync();
    assert.ok(!closed.ok && closed.error.received === '"shut down"');
  });

  test('a parse still running at shutdown is abandoned, and an older parse never replaces a newer file', async () => {
    const config = tempConfig('sampling:\n  default: { info: 0 }\n');
    const logging = createLogging({
      config: config.path,
      exporter: 'none',
      handleSignals: false,
      diagnosticWriter: () => undefined,
      env: { LOGWEAVE_CONFIG_WATCH: 'false' },
    });
    try {
      config.write(modulesFile(3, 1));
      const older = logging.reloadConfigAsync();
      config.write(modulesFile(3, 0));
      assert.deepEqual(logging.reloadConfig(), { ok: true, changed: true });
      assert.deepEqual(await older, { ok: true, changed: false }, 'the older read is not applied');
      assert.equal(keepsInfo(logging), false, 'the newer file stays in force');
      config.write(modulesFile(3, 1));
      const abandoned = logging.reloadConfigAsync();
      await logging.shutdown();
      const result = await abandoned;
      assert.ok(!result.ok && result.error.received === '"shut down"');
    } finally {
      await logging.shutdown();
      config.cleanup();
    }
  });
});
