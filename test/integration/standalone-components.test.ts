// logweave's SDK components assembled by hand in a NodeSDK, without createLogging().
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { logs } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  DiagnosticReporter,
  DurableOtlpLogExporter,
  LoggingStats,
  RedactionProcessor,
  RequestContextProcessor,
  runWithRequestContext,
  SamplingProcessor,
} from '../../src/index.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

async function until(condition: () => boolean, timeoutMillis = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// Randomness 0xffffffffffffff (kept at any p) and 0x00000000000000 (dropped at p < 1).
const KEPT = '00-0af7651916cd43dd84ffffffffffffff-b7ad6b7169203331-01';
const DROPPED = '00-0af7651916cd43dd8400000000000000-b7ad6b7169203331-01';

test('NodeSDK with logweave processors and exporter by hand: request ids, sampling, redaction, spooled delivery', async () => {
  const receiver = await startOtlpReceiver();
  const spoolDir = mkdtempSync(join(tmpdir(), 'logweave-standalone-'));
  const stats = new LoggingStats();
  const diagnosticLines: string[] = [];
  const diagnostics = new DiagnosticReporter({ write: (line) => diagnosticLines.push(line) });
  const exporter = new DurableOtlpLogExporter({
    url: receiver.url,
    spoolDir,
    replayInitialBackoffMillis: 50,
    replayMaxBackoffMillis: 100,
    timeoutMillis: 2000,
    stats,
    diagnostics,
  });
  const batch = new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 20 });
  const sampling = new SamplingProcessor(batch, { sampling: { default: { info: 0.5 } }, stats, diagnostics });
  const redaction = new RedactionProcessor(sampling, { keys: ['ssn'], stats, diagnostics });
  const head = new RequestContextProcessor(redaction, { stats });
  const sdk = new NodeSDK({ serviceName: 'standalone', logRecordProcessors: [head] });
  sdk.start();
  try {
    const logger = logs.getLogger('orders');
    const emitIn = (traceparent: string, requestId: string, body: string): void =>
      runWithRequestContext({ traceparent, requestId }, () =>
        logger.emit({ severityNumber: 9, severityText: 'INFO', body, attributes: { ssn: '123-45-6789' } }),
      );

    // The Collector is down: kept records go to the spool, none is lost.
    await receiver.stop();
    for (let index = 0; index < 50; index++) {
      emitIn(KEPT, `kept-${index}`, `kept ${index} Bearer abcdefghijklmnop`);
      emitIn(DROPPED, `dropped-${index}`, `dropped ${index}`);
    }
    await head.forceFlush();
    assert.ok(stats.snapshot().spooled >= 50, `spooled ${stats.snapshot().spooled}`);
    assert.equal(receiver.records.length, 0);

    // It comes back: the spool is replayed in order.
    await receiver.start();
    const records = await receiver.waitForRecords(50, 15_000);
    assert.equal(records.length, 50, 'exactly the kept records, once each');
    assert.deepEqual(
      records.map((record) => record.attributes['request.id']),
      Array.from({ length: 50 }, (_, index) => `kept-${index}`),
    );
    for (const record of records) {
      assert.equal(record.traceId, '0af7651916cd43dd84ffffffffffffff');
      assert.equal(record.attributes['ssn'], '[REDACTED]');
      assert.doesNotMatch(String(record.body), /abcdefghijklmnop/);
      assert.equal(record.attributes['logweave.sampling.rule'], 'default.info');
      assert.equal(record.serviceName, 'standalone');
    }
    // The receiver has the records; the exporter counts them when the answers arrive.
    await until(() => stats.snapshot().exported === 50);
    sampling.drainCounters();
    const snapshot = stats.snapshot();
    assert.equal(snapshot.emitted, 50, 'the dropped records were never created');
    assert.equal(snapshot.dropped.sampled_out, 50);
    assert.equal(snapshot.kept['default.info'], 50);
    assert.equal(snapshot.exported, 50);
    assert.ok(snapshot.redacted >= 100);
  } finally {
    await sdk.shutdown();
    await receiver.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
});
