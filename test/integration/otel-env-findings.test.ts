// Issue 15, "tried as such a user would": each finding as the platform's environment sets it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { createLogging } from '../../src/index.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { decodeProtobufRequest } from '../helpers/otlp-proto.ts';
import { flattenRequest } from '../helpers/otlp-records.ts';

const quiet = { handleSignals: false, diagnosticWriter: () => undefined } as const;

test('OTEL_EXPORTER_OTLP_PROTOCOL=grpc does not stop the process from starting (console exporter)', async () => {
  const logging = createLogging({
    ...quiet,
    // Nothing is logged: the console exporter would write to the test runner's stdout.
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_LOGS_EXPORTER: 'console' },
  });
  assert.equal(logging.resolvedOptions.otlp.protocol, 'grpc');
  await logging.shutdown();
});

test('service.name from OTEL_RESOURCE_ATTRIBUTES is kept when OTEL_SERVICE_NAME is not set', async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const logging = createLogging({
    ...quiet,
    env: {
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout,service.version=1.4.2',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    },
  });
  logging.getLogger('checkout.api').info('order placed');
  await logging.shutdown();
  const [record] = await receiver.waitForRecords(1);
  assert.equal(record?.resource['service.name'], 'checkout');
  assert.equal(record?.resource['service.version'], '1.4.2');
});

test('OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES', async () => {
  const logging = createLogging({
    ...quiet,
    exporter: 'none',
    env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout', OTEL_SERVICE_NAME: 'orders' },
  });
  assert.equal(logging.resolvedOptions.serviceName, 'orders');
  await logging.shutdown();
});

test('OTEL_SDK_DISABLED=true: a working no-op pipeline (nothing exported, isEnabled false, stats 0)', async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const listenersBefore = process.listenerCount('SIGTERM') + process.listenerCount('exit');
  const logging = createLogging({
    diagnosticWriter: () => undefined,
    env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url },
  });
  const log = logging.getLogger('checkout.api');
  assert.equal(log.isEnabled('fatal'), false);
  log.error('must not be exported');
  await logging.forceFlush();
  await logging.shutdown();
  assert.equal(receiver.received, 0);
  assert.equal(process.listenerCount('SIGTERM') + process.listenerCount('exit'), listenersBefore);
  assert.deepEqual(logging.stats(), {
    emitted: 0,
    kept: {},
    dropped: {},
    exported: 0,
    redacted: 0,
    spooled: 0,
    held: 0,
    unspooled: 0,
  });
});

test('OTEL_LOGS_EXPORTER is a list: otlp,file sends to both', async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const file = join(mkdtempSync(join(tmpdir(), 'logweave-list-')), 'logs.jsonl');
  const logging = createLogging({
    ...quiet,
    env: {
      OTEL_LOGS_EXPORTER: 'otlp, file',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
      LOGWEAVE_FILE_PATH: file,
    },
  });
  logging.getLogger('checkout.api').info('to both');
  await logging.shutdown();
  await receiver.waitForRecords(1);
  assert.match(readFileSync(file, 'utf8'), /to both/, 'the file exporter wrote the record');
});

test('OTEL_EXPORTER_OTLP_TIMEOUT=0 means no limit', async () => {
  const logging = createLogging({ ...quiet, exporter: 'none', env: { OTEL_EXPORTER_OTLP_TIMEOUT: '0' } });
  assert.equal(logging.resolvedOptions.otlp.timeoutMillis, 0);
  await logging.shutdown();
});

test('OTEL_EXPORTER_OTLP_HEADERS and ..._LOGS_HEADERS merge per key, the signal-specific value winning', async () => {
  const logging = createLogging({
    ...quiet,
    exporter: 'none',
    env: {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20platform,x-tenant=a',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-tenant=b',
    },
  });
  assert.deepEqual(Object.keys(logging.resolvedOptions.otlp.headers).sort(), ['authorization', 'x-tenant']);
  await logging.shutdown();
});

/** An OTLP/HTTP endpoint that keeps each request's headers and records. */
async function headerRecordingReceiver() {
  const seen: Array<{ headers: IncomingHttpHeaders; bodies: string[] }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const bodies = flattenRequest(decodeProtobufRequest(body)).map((record) => String(record.body));
      seen.push({ headers: request.headers, bodies });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/logs`, seen, close: () => server.close() };
}

test('exports carry a User-Agent naming logweave and its version', async (t) => {
  const receiver = await headerRecordingReceiver();
  t.after(() => receiver.close());
  const logging = createLogging({ ...quiet, env: {}, otlp: { url: receiver.url } });
  logging.getLogger('a').info('x');
  await logging.shutdown();
  assert.match(String(receiver.seen[0]?.headers['user-agent']), /^logweave\/\d+\.\d+\.\d+/);
});

test('otlp.headers may be a function, called per export (a token that refreshes)', async (t) => {
  const receiver = await headerRecordingReceiver();
  t.after(() => receiver.close());
  let token = 0;
  const logging = createLogging({
    ...quiet,
    env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-platform=p' },
    otlp: { url: receiver.url, headers: () => ({ authorization: `Bearer t${++token}` }) },
  });
  logging.getLogger('a').info('first');
  await logging.forceFlush();
  logging.getLogger('a').info('second');
  await logging.shutdown();
  assert.deepEqual(
    receiver.seen.map((request) => request.headers.authorization),
    ['Bearer t1', 'Bearer t2'],
  );
  assert.equal(receiver.seen[0]?.headers['x-platform'], 'p', 'the env headers are merged under the function');
  assert.doesNotMatch(JSON.stringify(logging.resolvedOptions), /Bearer t/);
});

test('gzip compression still delivers (compressed off the event loop)', async (t) => {
  const receiver = await headerRecordingReceiver();
  t.after(() => receiver.close());
  const logging = createLogging({
    ...quiet,
    env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    otlp: { url: receiver.url },
  });
  logging.getLogger('a').info('compressed');
  await logging.shutdown();
  assert.equal(receiver.seen[0]?.headers['content-encoding'], 'gzip');
  assert.deepEqual(receiver.seen[0]?.bodies, ['compressed']);
});

test('records carry detected resource attributes: host.*, process.*, service.instance.id', async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const logging = createLogging({ ...quiet, env: {}, otlp: { url: receiver.url } });
  logging.getLogger('a').info('x');
  await logging.shutdown();
  const [record] = await receiver.waitForRecords(1);
  assert.equal(record?.resource['process.pid'], process.pid);
  assert.equal(typeof record?.resource['host.name'], 'string');
  assert.equal(typeof record?.resource['service.instance.id'], 'string');
  assert.equal(record?.resource['telemetry.sdk.language'], 'nodejs');
});

test('OTEL_NODE_RESOURCE_DETECTORS=none: only the env resource and the SDK defaults', async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const logging = createLogging({
    ...quiet,
    env: { OTEL_NODE_RESOURCE_DETECTORS: 'none', OTEL_RESOURCE_ATTRIBUTES: 'team=pay' },
    otlp: { url: receiver.url },
  });
  logging.getLogger('a').info('x');
  await logging.shutdown();
  const [record] = await receiver.waitForRecords(1);
  assert.equal(record?.resource['process.pid'], undefined);
  assert.equal(record?.resource['host.name'], undefined);
  assert.equal(record?.resource['team'], 'pay');
});

test('README NodeSDK recipe: facade and SDK-provider records share one resource; level applies to both', async (t) => {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { logs, SeverityNumber } = await import('@opentelemetry/api');
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const logging = createLogging({
    ...quiet,
    serviceName: 'orders',
    level: 'warn',
    env: { OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=orders-1' },
    otlp: { url: receiver.url },
  });
  // As the README recipe writes it: the SDK uses logweave's resource and its chain.
  const sdk = new NodeSDK({
    resource: logging.resource,
    autoDetectResources: false,
    logRecordProcessors: [logging.processor],
  });
  sdk.start();
  t.after(() => sdk.shutdown());
  logging.getLogger('orders.api').warn('from the facade');
  // The SDK's provider, whichever one the global API hands out.
  const sdkLogger = logs.getLogger('orders.sdk');
  sdkLogger.emit({ severityNumber: SeverityNumber.INFO, body: 'below level through the SDK' });
  sdkLogger.emit({ severityNumber: SeverityNumber.ERROR, body: 'from the SDK provider' });
  await logging.forceFlush();
  await sdk.shutdown();
  await logging.shutdown();
  const records = await receiver.waitForRecords(2);
  assert.deepEqual(records.map((record) => record.body).sort(), ['from the SDK provider', 'from the facade']);
  const resources = new Set(receiver.requests.map((request) => JSON.stringify(resourceOf(request.decoded))));
  assert.equal(resources.size, 1, `one resource for the process, got ${[...resources].join('\n')}`);
  assert.equal(records[0]?.resource['k8s.pod.name'], 'orders-1');
  assert.equal(records[0]?.resource['service.name'], 'orders');
});

function resourceOf(decoded: unknown): unknown {
  return (decoded as { resourceLogs: Array<{ resource: unknown }> }).resourceLogs.map((r) => r.resource);
}

test('header values are never logged: a function returning an invalid value is rejected by name only', async (t) => {
  const receiver = await headerRecordingReceiver();
  t.after(() => receiver.close());
  for (const protocol of ['http/protobuf', 'grpc'] as const) {
    const lines: string[] = [];
    const logging = createLogging({
      handleSignals: false,
      diagnosticWriter: (line) => lines.push(line),
      env: {},
      otlp: { url: receiver.url, protocol, headers: () => ({ 'x-token': 'top-secret\nvalue' }) },
    });
    logging.getLogger('a').info('x');
    await logging.shutdown();
    assert.equal(logging.stats().dropped.rejected, 1, protocol);
    assert.ok(lines.length > 0, protocol);
    assert.doesNotMatch(lines.join('\n'), /top-secret/, protocol);
  }
  assert.equal(receiver.seen.length, 0);
});
