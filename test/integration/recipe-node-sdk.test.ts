// The README recipe "With the OpenTelemetry NodeSDK and tracing", run as written.
import assert from 'node:assert/strict';
import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createLogging, runWithRequestContext } from '../../src/index.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

test('NodeSDK + HTTP instrumentation: records carry the server span; SDK logs go through logweave', async () => {
  const receiver = await startOtlpReceiver();
  const spans = new InMemorySpanExporter();

  const logging = createLogging({
    serviceName: 'orders',
    otlp: { url: receiver.url },
    handleSignals: false,
    env: {},
  });
  const sdk = new NodeSDK({
    resource: logging.resource,
    autoDetectResources: false,
    instrumentations: [new HttpInstrumentation()],
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    // The SDK's global LoggerProvider (logs API, log instrumentations) feeds logweave's chain too.
    logRecordProcessors: [logging.processor],
  });
  sdk.start();
  // Through require, so the HTTP instrumentation's patch applies.
  const http = createRequire(import.meta.url)('node:http') as typeof Http;

  const log = logging.getLogger('orders.api');
  const server = http.createServer((req, res) => {
    runWithRequestContext({ headers: req.headers }, () => {
      log.info('order placed');
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  await fetch(`http://127.0.0.1:${port}/orders`, { headers: { traceparent, 'x-request-id': 'sdk-1' } }).then(
    (r) => r.text(),
  );
  (await import('@opentelemetry/api')).logs
    .getLogger('sdk-user')
    .emit({ body: 'through the global provider' });
  await logging.forceFlush();
  const records = await receiver.waitForRecords(2);

  // (The receiver's own incoming exports get server spans too: the instrumentation patches every server.)
  const serverSpans = spans
    .getFinishedSpans()
    .filter(
      (span) =>
        span.kind === SpanKind.SERVER && span.spanContext().traceId === '0af7651916cd43dd8448eb211c80319c',
    );
  assert.equal(serverSpans.length, 1, 'one server span for the request, made by the instrumentation');
  const placed = records.find((record) => record.body === 'order placed');
  assert.equal(placed?.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(placed?.spanId, serverSpans[0]?.spanContext().spanId, 'the record is on the server span');
  assert.equal(placed?.attributes['request.id'], 'sdk-1');
  assert.ok(records.some((record) => record.body === 'through the global provider'));
  const resources = new Set(records.map((record) => JSON.stringify(record.resource)));
  assert.equal(resources.size, 1, 'one resource for every record of the process');
  assert.equal(records[0]?.resource['service.name'], 'orders');

  server.close();
  await sdk.shutdown();
  await logging.shutdown();
  await receiver.close();
});
