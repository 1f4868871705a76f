import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createLogging, type Logging, type LoggingOptions } from '../../src/index.ts';
import { waitUntil } from '../helpers/logging-child.ts';
import { startOtlpReceiver as startReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

/*
 * A hung export must not hold the batch queue: with a spool, after `delivery.exportDeadlineMillis`
 * the batch goes to the spool and the queue moves on while the request may still be answered.
 * An answer that comes after that settles the spooled copy, so nothing arrives twice.
 */
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
  const dir = mkdtempSync(join(tmpdir(), 'logweave-deadline-'));
  spoolDirs.push(dir);
  return dir;
}

function pipeline(receiver: OtlpReceiver, spoolDir: string, extra: Partial<LoggingOptions> = {}): Logging {
  return createLogging({
    serviceName: 'deadline',
    // The export timeout is far away: only the queue deadline can move the batch on in time.
    otlp: { url: receiver.url, timeoutMillis: 30_000 },
    batch: { maxQueueSize: 300, maxExportBatchSize: 100, scheduledDelayMillis: 10 },
    delivery: { spoolDir, replayInitialBackoffMillis: 20, replayMaxBackoffMillis: 50 },
    shutdownTimeoutMillis: 1000,
    diagnosticWriter: () => undefined,
    handleSignals: false,
    env: {},
    ...extra,
  });
}

function logRange(logging: Logging, from: number, count: number): void {
  const log = logging.getLogger('deadline');
  for (let index = from; index < from + count; index++) log.info('deadline line', { index });
}

describe('a hung export and the batch queue', { timeout: 60_000 }, () => {
  test('with a spool, a hung export holds the queue only until the default deadline; nothing is dropped', async () => {
    let hang = true;
    const receiver = await startOtlpReceiver(() => (hang ? 'hang' : { status: 200 }));
    const spoolDir = newSpoolDir();
    // The hung request itself times out after 8 s (then the replay sends its batch).
    const logging = pipeline(receiver, spoolDir, { otlp: { url: receiver.url, timeoutMillis: 8000 } });
    logRange(logging, 0, 100);
    await waitUntil(() => receiver.received >= 1, 'the first batch to be in flight');
    logRange(logging, 100, 200); // the queue (300) is now full behind the hung request
    // Before the deadline existed this waited for the 8 s export timeout.
    await waitUntil(() => logging.stats().spooled >= 100, 'the hung batch to be spooled', 6000);
    let emitted = 300;
    for (let round = 0; round < 10; round++) {
      logRange(logging, emitted, 200);
      emitted += 200;
      await waitUntil(() => logging.stats().spooled === emitted, `round ${round} to reach the spool`, 10_000);
    }
    const stats = logging.stats();
    assert.equal(stats.dropped.queue_full ?? 0, 0, JSON.stringify(stats));
    assert.equal(stats.spooled, emitted);

    // The receiver recovers; the hung request times out and the replay delivers everything once.
    hang = false;
    await receiver.waitForRecords(emitted, 30_000);
    await waitUntil(() => logging.stats().exported === emitted, 'every record to be counted as exported');
    await logging.shutdown();
    const indexes = receiver.records.map((record) => Number(record.attributes['index']));
    assert.equal(new Set(indexes).size, emitted);
    assert.equal(indexes.length, emitted, 'no record twice');
    assert.deepEqual(readdirSync(spoolDir), []);
  });

  test('an answer that comes after the deadline settles the spooled copy: every record arrives once', async () => {
    // The first request is answered after 1.5 s, far past a 200 ms deadline; later ones at once.
    const receiver = await startOtlpReceiver((request) =>
      request.count === 1 ? { status: 200, delayMillis: 1500 } : { status: 200 },
    );
    const spoolDir = newSpoolDir();
    const logging = pipeline(receiver, spoolDir, {
      delivery: {
        spoolDir,
        exportDeadlineMillis: 200,
        replayInitialBackoffMillis: 20,
        replayMaxBackoffMillis: 50,
      },
    });
    logRange(logging, 0, 100);
    await waitUntil(() => receiver.received >= 1, 'the first batch to be in flight');
    await waitUntil(() => logging.stats().spooled >= 100, 'the slow batch to be spooled at the deadline');
    logRange(logging, 100, 200);
    await receiver.waitForRecords(300, 20_000);
    await waitUntil(() => logging.stats().exported === 300, 'every record to be counted as exported');
    await logging.shutdown();
    const indexes = receiver.records.map((record) => Number(record.attributes['index']));
    assert.deepEqual(
      [...indexes].sort((a, b) => a - b),
      Array.from({ length: 300 }, (_, index) => index),
      'each record once',
    );
    assert.deepEqual(readdirSync(spoolDir), [], 'the late answer settled the spooled copy');
    const stats = logging.stats();
    assert.equal(stats.spooled - stats.unspooled, 0);
  });
});
