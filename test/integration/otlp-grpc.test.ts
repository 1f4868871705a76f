// OTLP/gRPC export against a real grpc-js server: delivery, the OTLP spec's status mapping, spool.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { createLogging } from '../../src/index.ts';
import { GRPC_CODE } from '../../src/exporters/grpc-outcome.ts';
import { startOtlpGrpcReceiver } from '../helpers/otlp-grpc-receiver.ts';

const quiet = { handleSignals: false } as const;

function grpcLogging(url: string, extra: Record<string, string> = {}, lines: string[] = []) {
  return createLogging({
    ...quiet,
    diagnosticWriter: (line) => lines.push(line),
    delivery: { replayInitialBackoffMillis: 20, replayMaxBackoffMillis: 50 },
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: url, ...extra },
  });
}

/** A `google.rpc.Status` carrying a RetryInfo detail, encoded by protobufjs (not by the code under test). */
function statusWithRetryInfo(seconds: number, nanos: number): Buffer {
  const root = protobuf.parse(`
    syntax = "proto3";
    message Duration { int64 seconds = 1; int32 nanos = 2; }
    message RetryInfo { Duration retry_delay = 1; }
    message Any { string type_url = 1; bytes value = 2; }
    message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  `).root;
  const RetryInfo = root.lookupType('RetryInfo');
  const Status = root.lookupType('Status');
  const info = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds, nanos } })).finish();
  return Buffer.from(
    Status.encode(
      Status.fromObject({
        code: GRPC_CODE.RESOURCE_EXHAUSTED,
        message: 'slow down',
        details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: info }],
      }),
    ).finish(),
  );
}

test('OTLP/gRPC: records, headers of the general variable as metadata, a User-Agent', async (t) => {
  const receiver = await startOtlpGrpcReceiver();
  t.after(() => receiver.close());
  const logging = grpcLogging(receiver.url, {
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20platform',
    OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout,k8s.pod.name=checkout-1',
  });
  const log = logging.getLogger('checkout.api');
  for (let i = 0; i < 20; i++) log.info(`order ${i}`);
  await logging.shutdown();
  const records = await receiver.waitForRecords(20);
  assert.equal(records.length, 20);
  assert.equal(records[0]?.resource['service.name'], 'checkout');
  assert.equal(records[0]?.resource['k8s.pod.name'], 'checkout-1');
  assert.deepEqual(receiver.metadata[0]?.get('authorization'), ['Bearer platform']);
  assert.match(String(receiver.metadata[0]?.get('user-agent')[0]), /^logweave\/\d+\.\d+\.\d+ /);
  assert.equal(logging.stats().exported, 20);
});

test('OTLP/gRPC: UNAVAILABLE goes to the spool and is replayed when the receiver answers', async (t) => {
  let failures = 2;
  const receiver = await startOtlpGrpcReceiver({
    behavior: () => (failures-- > 0 ? { code: GRPC_CODE.UNAVAILABLE, details: 'restarting' } : undefined),
  });
  t.after(() => receiver.close());
  const spoolDir = mkdtempSync(join(tmpdir(), 'logweave-grpc-spool-'));
  const logging = grpcLogging(receiver.url, { LOGWEAVE_SPOOL_DIR: spoolDir });
  logging.getLogger('a').error('kept through the outage');
  await logging.forceFlush();
  await receiver.waitForRecords(1);
  // The replayer counts the batch once the receiver's answer is back (just after the records arrive).
  while (logging.stats().exported === 0) await new Promise((resolve) => setImmediate(resolve));
  await logging.shutdown();
  const stats = logging.stats();
  assert.equal(stats.spooled, 1, JSON.stringify(stats));
  assert.equal(stats.exported, 1);
  assert.deepEqual(stats.dropped, {});
});

test('OTLP/gRPC: INVALID_ARGUMENT and RESOURCE_EXHAUSTED without RetryInfo are rejected, not retried', async (t) => {
  for (const code of [GRPC_CODE.INVALID_ARGUMENT, GRPC_CODE.RESOURCE_EXHAUSTED, GRPC_CODE.UNAUTHENTICATED]) {
    const receiver = await startOtlpGrpcReceiver({ behavior: () => ({ code, details: 'no' }) });
    t.after(() => receiver.close());
    const spoolDir = mkdtempSync(join(tmpdir(), 'logweave-grpc-spool-'));
    const lines: string[] = [];
    const logging = grpcLogging(receiver.url, { LOGWEAVE_SPOOL_DIR: spoolDir }, lines);
    logging.getLogger('a').info('refused');
    await logging.shutdown();
    assert.equal(logging.stats().dropped.rejected, 1, `code ${code}`);
    assert.equal(logging.stats().spooled, 0, `code ${code}`);
    assert.equal(receiver.received, 1, `code ${code}: sent once`);
    assert.ok(lines.some((line) => line.includes('rejected') && line.includes(receiver.url)));
  }
});

test('OTLP/gRPC: RESOURCE_EXHAUSTED with RetryInfo is retried after the delay it names', async (t) => {
  let failures = 1;
  const receiver = await startOtlpGrpcReceiver({
    behavior: () =>
      failures-- > 0
        ? {
            code: GRPC_CODE.RESOURCE_EXHAUSTED,
            details: 'slow down',
            statusDetails: statusWithRetryInfo(0, 50e6),
          }
        : undefined,
  });
  t.after(() => receiver.close());
  const logging = grpcLogging(receiver.url);
  logging.getLogger('a').info('later');
  await logging.shutdown();
  assert.equal(receiver.received, 2);
  assert.equal(logging.stats().exported, 1);
});

test('OTLP/gRPC: a partial success is counted, a message over the limit is split', async (t) => {
  const receiver = await startOtlpGrpcReceiver({
    behavior: ({ count }) =>
      count > 2
        ? {
            code: GRPC_CODE.RESOURCE_EXHAUSTED,
            details: 'grpc: received message larger than max (5000 vs. 4000)',
          }
        : { partialRejected: 1, message: 'one was bad' },
  });
  t.after(() => receiver.close());
  const logging = grpcLogging(receiver.url);
  for (let i = 0; i < 4; i++) logging.getLogger('a').info(`r${i}`);
  await logging.shutdown();
  const stats = logging.stats();
  assert.equal(stats.dropped.partial_success, 2, 'one per accepted half');
  assert.equal(stats.exported, 2);
});

test('OTLP/gRPC: the endpoint down at start is a diagnostic and spooled records, never a crash', async () => {
  const receiver = await startOtlpGrpcReceiver();
  const url = receiver.url;
  await receiver.close();
  const spoolDir = mkdtempSync(join(tmpdir(), 'logweave-grpc-spool-'));
  const lines: string[] = [];
  const logging = grpcLogging(url, { LOGWEAVE_SPOOL_DIR: spoolDir }, lines);
  logging.getLogger('a').error('nobody listens');
  await logging.shutdown();
  assert.equal(logging.stats().spooled, 1);
  assert.ok(
    lines.some((line) => line.includes(url) && /UNAVAILABLE/.test(line)),
    lines.join('\n'),
  );
});

test('differential: the official OTLP/gRPC exporter and logweave send the same request for the same records', async (t) => {
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
  const { LoggerProvider, SimpleLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { DurableOtlpLogExporter } = await import('../../src/index.ts');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const bodies: unknown[][] = [];
  for (const make of [
    (url: string) => new OTLPLogExporter({ url }),
    (url: string) => new DurableOtlpLogExporter({ url, protocol: 'grpc' }),
  ]) {
    const receiver = await startOtlpGrpcReceiver();
    t.after(() => receiver.close());
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'diff' }),
      processors: [new SimpleLogRecordProcessor({ exporter: make(receiver.url) })],
    });
    provider.getLogger('diff.scope').emit({
      body: 'same',
      severityNumber: 9,
      attributes: { n: 1 },
      timestamp: 1_700_000_000_000,
      observedTimestamp: 1_700_000_000_000,
    });
    await receiver.waitForRecords(1);
    await provider.shutdown();
    bodies.push(receiver.records);
  }
  assert.deepEqual(bodies[1], bodies[0]);
});
