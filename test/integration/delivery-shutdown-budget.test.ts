import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLogging, type StatsSnapshot } from '../../src/index.ts';
import { drainSpool } from '../helpers/drain-spool.ts';
import { startLoggingChild, tell, waitForLine, waitUntil } from '../helpers/logging-child.ts';
import { startOtlpReceiver as startReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

/*
 * Shutdown within its budget, whatever the receiver does: a request already in flight when
 * SIGTERM or shutdown() comes is abandoned at the deadline and its batch spooled; everything
 * still queued is spooled before the signal is re-raised or shutdown() resolves; without a spool
 * every abandoned record is counted (`shutdown_timeout`), so the stats add up.
 */
const child = fileURLToPath(new URL('../fixtures/shutdown-child.ts', import.meta.url));
const spoolDirs: string[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true });
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function startOtlpReceiver(behavior?: Parameters<typeof startReceiver>[0]): Promise<OtlpReceiver> {
  const receiver = await startReceiver(behavior);
  receivers.push(receiver);
  return receiver;
}

function newSpoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-budget-'));
  spoolDirs.push(dir);
  return dir;
}

/** The export timeout is far longer than the shutdown budget: the in-flight request outlives it. */
const HUNG_ENV = {
  OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
  LOGWEAVE_SHUTDOWN_TIMEOUT: '1500',
  LOGWEAVE_DIAGNOSTIC_INTERVAL: '0',
  LINES: '300',
  BATCH: '100',
};

function totalDropped(stats: StatsSnapshot): number {
  return Object.values(stats.dropped).reduce((sum, count) => sum + (count ?? 0), 0);
}

describe('shutdown within its budget against a receiver that never answers', { timeout: 120_000 }, () => {
  // With the export deadline (default 500 ms) the hung batch is already spooled when the signal
  // comes; with a deadline past the budget only aborting the request at the budget can keep it.
  for (const [what, deadline] of [
    ['', {}],
    [' and an export deadline past the budget', { LOGWEAVE_EXPORT_DEADLINE: '20000' }],
  ] as const) {
    test(`SIGTERM while a batch is in flight, with a spool${what}: dies of the signal in time, every record is spooled`, async () => {
      const receiver = await startOtlpReceiver(() => 'hang');
      const spoolDir = newSpoolDir();
      const logging = startLoggingChild(child, {
        ...HUNG_ENV,
        END: 'signal',
        LOGWEAVE_SPOOL_DIR: spoolDir,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
        ...deadline,
      });
      await waitForLine(logging, (line) => line === 'ready');
      await waitUntil(() => receiver.received >= 1, 'the first batch to be in flight');
      const signalledAt = Date.now();
      logging.process.kill('SIGTERM');
      const { code, signal } = await logging.exit;
      const took = Date.now() - signalledAt;
      assert.equal(code, null);
      assert.equal(signal, 'SIGTERM', 'the process still dies of the signal');
      assert.ok(
        took < 10_000,
        `ended ${took} ms after SIGTERM: bounded by the budget, not the 20 s export timeout`,
      );

      const { stats, indexes } = await drainSpool(spoolDir, 300);
      assert.equal(stats.exported, 300, `the next start delivers every record; stderr:\n${logging.stderr()}`);
      assert.equal(new Set(indexes).size, 300);
      assert.deepEqual(readdirSync(spoolDir), []);
    });

    test(`shutdown() while a batch is in flight${what}, then process.exit(0): every record is spooled before it resolves`, async () => {
      const receiver = await startOtlpReceiver(() => 'hang');
      const spoolDir = newSpoolDir();
      const logging = startLoggingChild(child, {
        ...HUNG_ENV,
        END: 'shutdown',
        LOGWEAVE_SPOOL_DIR: spoolDir,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
        ...deadline,
      });
      await waitForLine(logging, (line) => line === 'ready');
      await waitUntil(() => receiver.received >= 1, 'the first batch to be in flight');
      tell(logging);
      const statsLine = await waitForLine(logging, (line) => line.startsWith('{'));
      const { code } = await logging.exit;
      assert.equal(code, 0);
      const atShutdown = JSON.parse(statsLine) as StatsSnapshot;
      assert.equal(atShutdown.spooled, 300, `stats when shutdown() resolved: ${statsLine}`);
      assert.equal(totalDropped(atShutdown), 0);

      const { stats } = await drainSpool(spoolDir, 300);
      assert.equal(stats.exported, 300);
    });
  }

  test('shutdown() without a spool: every abandoned record is counted as shutdown_timeout, the stats add up', async () => {
    const receiver = await startOtlpReceiver(() => 'hang');
    const logging = startLoggingChild(child, {
      ...HUNG_ENV,
      END: 'shutdown',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    });
    await waitForLine(logging, (line) => line === 'ready');
    await waitUntil(() => receiver.received >= 1, 'the first batch to be in flight');
    tell(logging);
    const stats = JSON.parse(await waitForLine(logging, (line) => line.startsWith('{'))) as StatsSnapshot;
    await logging.exit;
    assert.equal(stats.emitted, 300);
    assert.equal(stats.exported, 0);
    assert.equal(stats.dropped.shutdown_timeout, 300, JSON.stringify(stats));
    assert.equal(totalDropped(stats), 300);
  });
});

describe('stats add up after shutdown() with a receiver slower than the budget', { timeout: 60_000 }, () => {
  for (const withSpool of [false, true]) {
    test(`${withSpool ? 'with' : 'without'} a spool: emitted = exported + dropped + still spooled`, async () => {
      // Each request is answered 2 s late (within the 5 s export timeout); the budget is 1 s.
      const receiver = await startOtlpReceiver(() => ({ status: 200, delayMillis: 2000 }));
      const logging = createLogging({
        serviceName: 'slow-receiver',
        otlp: { url: receiver.url, timeoutMillis: 5000 },
        batch: { maxQueueSize: 10_000, maxExportBatchSize: 100, scheduledDelayMillis: 10 },
        shutdownTimeoutMillis: 1000,
        diagnosticWriter: () => undefined,
        handleSignals: false,
        env: {},
        ...(withSpool ? { delivery: { spoolDir: newSpoolDir() } } : {}),
      });
      const log = logging.getLogger('slow');
      for (let index = 0; index < 4000; index++) log.info('slow line', { index });
      await waitUntil(() => receiver.received >= 1, 'the first request');
      await logging.shutdown();
      const stats = logging.stats();
      const inSpool = stats.spooled - stats.unspooled;
      assert.equal(stats.emitted, 4000);
      assert.equal(
        stats.exported + totalDropped(stats) + inSpool,
        stats.emitted,
        `every record is accounted for: ${JSON.stringify(stats)}`,
      );
      if (withSpool) {
        assert.equal(totalDropped(stats), 0, 'with a spool nothing is lost');
        assert.ok(inSpool > 0);
      } else {
        assert.ok((stats.dropped.shutdown_timeout ?? 0) > 0, JSON.stringify(stats));
      }
      // Nothing is counted a second time by the work that goes on after shutdown() resolved
      // (it ends by closing the exporter's connections).
      await waitUntil(() => receiver.openConnections === 0, 'the exporter to close its connections');
      assert.deepEqual(logging.stats(), stats);
      await receiver.close();
    });
  }
});

describe('records nobody can deliver any more are counted', () => {
  test('a custom exporter that never calls back: shutdown() counts its batch and the queue as shutdown_timeout, hands it nothing more, and the process exits by itself', async () => {
    // Before: the batch processor went on handing the three queued batches to the stuck
    // exporter, waiting its 30 s export timeout for each: the process lived 120 s past shutdown().
    const fixture = fileURLToPath(new URL('../fixtures/stuck-exporter-exit.ts', import.meta.url));
    const exiting = startLoggingChild(fixture, {});
    const exit = await Promise.race([
      exiting.exit,
      new Promise<'alive'>((resolve) => setTimeout(resolve, 20_000, 'alive').unref()),
    ]);
    if (exit === 'alive') exiting.process.kill('SIGKILL');
    assert.notEqual(exit, 'alive', 'the process is still alive 20 s after shutdown() resolved');
    assert.deepEqual(exit, { code: 0, signal: null }, exiting.stderr());
    const { stats, atShutdown, atExit } = JSON.parse(exiting.stdout.at(-1) ?? '{}') as {
      stats: StatsSnapshot;
      atShutdown: number;
      atExit: number;
    };
    assert.equal(atExit, atShutdown, 'no batch is handed to the exporter after shutdown() resolved');
    // Its batch in flight and the queue are counted: the stats add up.
    assert.equal(stats.dropped.shutdown_timeout, 200, JSON.stringify(stats));
    assert.equal(stats.exported + totalDropped(stats), stats.emitted);
  });
});
