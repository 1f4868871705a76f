import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createLogging, type Logging, type LoggingOptions } from '../../src/index.ts';
import { ExportLogsServiceResponse } from '../helpers/otlp-proto.ts';
import { startOtlpReceiver as startReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const spoolDirs: string[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true });
  // A failed assertion skips a test's own close(); an open server would keep the file running.
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function startOtlpReceiver(behavior?: Parameters<typeof startReceiver>[0]): Promise<OtlpReceiver> {
  const receiver = await startReceiver(behavior);
  receivers.push(receiver);
  return receiver;
}

function newSpoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-spool-'));
  spoolDirs.push(dir);
  return dir;
}

/** A pipeline with small timeouts and batches so every fault plays out in well under a second. */
function pipeline(
  receiver: OtlpReceiver,
  overrides: Partial<LoggingOptions> & { otlpTimeoutMillis?: number } = {},
): { logging: Logging; lines: string[] } {
  const lines: string[] = [];
  const { otlpTimeoutMillis, ...rest } = overrides;
  const logging = createLogging({
    serviceName: 'faults',
    otlp: { url: receiver.url, timeoutMillis: otlpTimeoutMillis ?? 2000 },
    batch: { maxExportBatchSize: 20, scheduledDelayMillis: 10 },
    diagnosticWriter: (line) => lines.push(line),
    handleSignals: false,
    env: {},
    ...rest,
  });
  return { logging, lines };
}

function logMany(logging: Logging, count: number, from = 0): void {
  const log = logging.getLogger('faults');
  for (let index = from; index < from + count; index++) log.info('record', { index });
}

function indexesOf(receiver: OtlpReceiver): number[] {
  return receiver.records.map((record) => Number(record.attributes['index']));
}

function totalDropped(logging: Logging): number {
  return Object.values(logging.stats().dropped).reduce((sum, count) => sum + (count ?? 0), 0);
}

async function waitUntil(condition: () => boolean, what: string, timeoutMillis = 15_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('durable OTLP delivery against a faulty receiver', () => {
  test('receiver down, then up: everything spooled is delivered once, in order', async () => {
    const receiver = await startOtlpReceiver();
    await receiver.stop();
    const spoolDir = newSpoolDir();
    // A generous timeout: an answer that arrives after it counts as lost and the batch is sent
    // again (the documented duplicate), which is not what this test is about.
    const { logging, lines } = pipeline(receiver, {
      otlpTimeoutMillis: 5000,
      delivery: { spoolDir, replayInitialBackoffMillis: 50, replayMaxBackoffMillis: 200 },
    });
    logMany(logging, 300);
    await logging.forceFlush();
    assert.equal(logging.stats().exported, 0);
    assert.equal(logging.stats().spooled, 300, 'every batch that failed was spooled');
    assert.equal(totalDropped(logging), 0, 'spooled records are not counted as lost');
    const spoolLines = lines.filter((line) => line.includes(receiver.url));
    assert.equal(spoolLines.length, 1, lines.join('\n'));
    assert.match(spoolLines[0]!, /spool/);
    assert.match(spoolLines[0]!, /OTEL_EXPORTER_OTLP_ENDPOINT/);

    await receiver.start();
    await receiver.waitForRecords(300, 20_000);
    await waitUntil(() => logging.stats().exported === 300, 'the exported count');
    // Nothing was answered and lost in this scenario, so there is no duplicate.
    assert.deepEqual(
      indexesOf(receiver),
      Array.from({ length: 300 }, (_, index) => index),
    );
    logMany(logging, 10, 300);
    await logging.shutdown();
    assert.equal(receiver.records.length, 310, 'live export resumes after the spool drained');
    assert.deepEqual(readdirSync(spoolDir), [], 'a drained spool leaves no files');
    await receiver.close();
  });

  test('429 with Retry-After: the retry waits as asked and delivers', async () => {
    const receiver = await startOtlpReceiver((request) =>
      request.count === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { logging } = pipeline(receiver, { otlpTimeoutMillis: 5000 });
    logMany(logging, 10);
    await logging.forceFlush();
    assert.equal(receiver.requests.length, 2);
    assert.equal(receiver.requests[0]!.status, 429);
    const waited = receiver.requests[1]!.at - receiver.requests[0]!.at;
    assert.ok(waited >= 950, `the retry came ${waited} ms after a Retry-After of 1 s`);
    assert.equal(logging.stats().exported, 10);
    assert.equal(totalDropped(logging), 0);
    await logging.shutdown();
    await receiver.close();
  });

  test('429 with Retry-After and a spool: the replay waits as asked', async () => {
    const receiver = await startOtlpReceiver((request) =>
      request.count === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { logging } = pipeline(receiver, {
      delivery: { spoolDir: newSpoolDir(), replayInitialBackoffMillis: 10, replayMaxBackoffMillis: 20 },
    });
    logMany(logging, 10);
    await logging.forceFlush();
    await receiver.waitForRecords(10);
    assert.equal(receiver.requests.length, 2);
    const waited = receiver.requests[1]!.at - receiver.requests[0]!.at;
    assert.ok(
      waited >= 950,
      `the replay came ${waited} ms after a Retry-After of 1 s (backoff alone: 10 ms)`,
    );
    await logging.shutdown();
    await receiver.close();
  });

  test('a 503 storm: spooled, retried with backoff, replayed once the storm ends', async () => {
    let storm = true;
    const receiver = await startOtlpReceiver(() => (storm ? { status: 503 } : { status: 200 }));
    const { logging } = pipeline(receiver, {
      otlpTimeoutMillis: 1500,
      delivery: { spoolDir: newSpoolDir(), replayInitialBackoffMillis: 50, replayMaxBackoffMillis: 100 },
    });
    logMany(logging, 60);
    await logging.forceFlush();
    assert.equal(logging.stats().spooled, 60);
    assert.equal(receiver.records.length, 0);
    await waitUntil(() => receiver.received >= 3, 'the replayer to retry during the storm');
    storm = false;
    await receiver.waitForRecords(60, 20_000);
    await waitUntil(() => logging.stats().exported === 60, 'the exported count');
    assert.deepEqual(
      indexesOf(receiver),
      Array.from({ length: 60 }, (_, index) => index),
    );
    assert.equal(totalDropped(logging), 0);
    await logging.shutdown();
    await receiver.close();
  });

  test('400: counted as rejected, not retried and not spooled', async () => {
    const receiver = await startOtlpReceiver(() => ({ status: 400, body: 'bad request: schema' }));
    const spoolDir = newSpoolDir();
    const { logging, lines } = pipeline(receiver, { delivery: { spoolDir } });
    logMany(logging, 20);
    await logging.forceFlush();
    await logging.shutdown();
    assert.equal(receiver.received, 1, 'one request, no retry');
    assert.equal(logging.stats().dropped.rejected, 20);
    assert.equal(logging.stats().spooled, 0);
    assert.deepEqual(readdirSync(spoolDir), []);
    const rejectedLine = lines.find((line) => line.includes('[rejected]'));
    assert.ok(rejectedLine !== undefined, lines.join('\n'));
    assert.match(rejectedLine, /HTTP 400/);
    await receiver.close();
  });

  test('partial success: the rejected count and message are recorded, nothing is retried', async () => {
    const response = ExportLogsServiceResponse.encode(
      ExportLogsServiceResponse.fromObject({
        partialSuccess: { rejectedLogRecords: 3, errorMessage: 'timestamps too old' },
      }),
    ).finish();
    const receiver = await startOtlpReceiver(() => ({ status: 200, body: Buffer.from(response) }));
    const { logging, lines } = pipeline(receiver, { delivery: { spoolDir: newSpoolDir() } });
    logMany(logging, 20);
    await logging.forceFlush();
    await logging.shutdown();
    assert.equal(receiver.received, 1);
    assert.equal(logging.stats().exported, 17);
    assert.equal(logging.stats().dropped.partial_success, 3);
    assert.equal(logging.stats().spooled, 0);
    assert.ok(
      lines.some((line) => line.includes('[partial_success]') && line.includes('timestamps too old')),
    );
    await receiver.close();
  });

  test('partial success over http/json is read the same way', async () => {
    const receiver = await startOtlpReceiver(() => ({
      status: 200,
      body: JSON.stringify({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'quota' } }),
    }));
    const { logging } = pipeline(receiver);
    const jsonLogging = createLogging({
      serviceName: 'faults',
      otlp: { url: receiver.url, protocol: 'http/json', timeoutMillis: 2000 },
      batch: { maxExportBatchSize: 20, scheduledDelayMillis: 10 },
      diagnosticWriter: () => undefined,
      handleSignals: false,
      env: {},
    });
    await logging.shutdown();
    logMany(jsonLogging, 5);
    await jsonLogging.shutdown();
    assert.equal(jsonLogging.stats().exported, 3);
    assert.equal(jsonLogging.stats().dropped.partial_success, 2);
    await receiver.close();
  });

  test('a receiver that accepts but never answers: each export ends at its timeout, no socket is left open', async () => {
    const receiver = await startOtlpReceiver(() => 'hang');
    const { logging } = pipeline(receiver, { otlpTimeoutMillis: 300 });
    for (let round = 0; round < 3; round++) {
      logMany(logging, 20, round * 20);
      await logging.forceFlush();
    }
    assert.equal(logging.stats().dropped.export_failed, 60, 'without a spool the records are counted lost');
    await waitUntil(() => receiver.openConnections === 0, 'the client to close its sockets');
    await logging.shutdown();
    await receiver.close();
  });

  test('a receiver that never answers, with a spool: the batches are kept and sent once it answers', async () => {
    let hang = true;
    const receiver = await startOtlpReceiver(() => (hang ? 'hang' : { status: 200 }));
    const { logging } = pipeline(receiver, {
      otlpTimeoutMillis: 300,
      delivery: { spoolDir: newSpoolDir(), replayInitialBackoffMillis: 50, replayMaxBackoffMillis: 100 },
    });
    logMany(logging, 40);
    await logging.forceFlush();
    assert.equal(logging.stats().spooled, 40);
    hang = false;
    await receiver.waitForRecords(40, 20_000);
    assert.deepEqual(
      indexesOf(receiver),
      Array.from({ length: 40 }, (_, index) => index),
    );
    await logging.shutdown();
    await waitUntil(() => receiver.openConnections === 0, 'the client to close its sockets');
    await receiver.close();
  });

  test('a full spool drops its oldest data, counted as spool_full; the rest is delivered in order', async () => {
    const receiver = await startOtlpReceiver();
    await receiver.stop();
    const { logging, lines } = pipeline(receiver, {
      otlpTimeoutMillis: 200,
      delivery: {
        spoolDir: newSpoolDir(),
        spoolMaxBytes: 65_536,
        replayInitialBackoffMillis: 50,
        replayMaxBackoffMillis: 100,
      },
    });
    const total = 2000;
    for (let round = 0; round < 10; round++) {
      logMany(logging, total / 10, (round * total) / 10);
      await logging.forceFlush();
    }
    const lost = logging.stats().dropped.spool_full ?? 0;
    assert.ok(lost > 0, 'the spool overflowed');
    assert.ok(lines.some((line) => line.includes('[spool_full]') && line.includes('65536')));
    await receiver.start();
    await receiver.waitForRecords(total - lost, 20_000);
    await logging.shutdown();
    const received = indexesOf(receiver);
    assert.equal(received.length, total - lost, 'what was not dropped is delivered');
    assert.deepEqual(
      received,
      Array.from({ length: total - lost }, (_, index) => lost + index),
      'the oldest went first',
    );
    await receiver.close();
  });

  test('shutdown with a receiver that never answers ends within its timeout and spools the batch', async () => {
    const receiver = await startOtlpReceiver(() => 'hang');
    const spoolDir = newSpoolDir();
    const { logging } = pipeline(receiver, {
      otlpTimeoutMillis: 60_000,
      shutdownTimeoutMillis: 1000,
      delivery: { spoolDir },
    });
    logMany(logging, 30);
    await logging.shutdown(); // bounded by shutdownTimeoutMillis, not by the 60 s export timeout
    assert.equal(logging.stats().spooled, 30);
    assert.equal(totalDropped(logging), 0);
    assert.ok(readdirSync(spoolDir).length > 0);
    await waitUntil(() => receiver.openConnections === 0, 'the abandoned request to be closed');
    await receiver.close();
  });

  test('413: the batch is split until the receiver takes it', async () => {
    const receiver = await startOtlpReceiver((request) =>
      request.body.length > 1500 ? { status: 413 } : { status: 200 },
    );
    // The receiver's limit is sized for records: the machine's detected resource must not count.
    const { logging } = pipeline(receiver, {
      batch: { maxExportBatchSize: 64, scheduledDelayMillis: 10 },
      resourceDetectors: 'none',
    });
    logMany(logging, 64);
    await logging.forceFlush();
    await logging.shutdown();
    assert.ok(
      receiver.requests.some((request) => request.status === 413),
      'the first request was too large',
    );
    assert.deepEqual(
      indexesOf(receiver).sort((a, b) => a - b),
      Array.from({ length: 64 }, (_, index) => index),
    );
    assert.equal(logging.stats().exported, 64);
    assert.equal(totalDropped(logging), 0);
    await receiver.close();
  });
});
