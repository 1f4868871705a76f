// Must come first: the instrumentations patch modules loaded after them.
import { instrumentedHttp, spanExporter } from './support/tracing-setup.ts';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import {
  createLogging,
  fetchWithContext,
  propagationHeaders,
  runWithRequestContext,
} from '../../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { ReceivedRecord } from '../helpers/otlp-records.ts';
import { otlpLoggingFor, startChain, type Chain } from './support/chain.ts';
import { send } from './support/http-fixtures.ts';

const REQUESTS = 100;
const RECORDS_PER_REQUEST = 8;

describe('Express → Fastify → Express with the tracing SDK and HTTP/undici instrumentation', () => {
  let receiver: OtlpReceiver;
  let chain: Chain;
  before(async () => {
    receiver = await startOtlpReceiver();
    chain = await startChain(otlpLoggingFor(receiver.url), instrumentedHttp.request);
  });
  after(async () => {
    await chain.close();
    await receiver.close();
  });

  test('propagationHeaders leaves W3C headers to an active undici instrumentation, never the request id', async () => {
    const logging = createLogging({ exporter: 'none', handleSignals: false });
    try {
      const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await runWithRequestContext({ traceparent: parent, baggage: 'k=v', requestId: 'out-1' }, async () => {
        // fetch: the undici instrumentation appends traceparent and baggage itself.
        assert.deepEqual(propagationHeaders('fetch'), { 'x-request-id': 'out-1' });
        // node:http: the HTTP instrumentation overwrites the same lowercase keys; nothing doubles.
        const forHttp = propagationHeaders('http');
        assert.equal(forHttp['x-request-id'], 'out-1');
        assert.match(forHttp['traceparent'] ?? '', /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
        assert.equal(forHttp['baggage'], 'k=v');
        const seen = await new Promise<Record<string, number>>((resolve, reject) => {
          const server = instrumentedHttp.createServer((req, res) => {
            const counts: Record<string, number> = {};
            for (let index = 0; index < req.rawHeaders.length; index += 2) {
              const name = req.rawHeaders[index]?.toLowerCase() ?? '';
              counts[name] = (counts[name] ?? 0) + 1;
            }
            res.end();
            server.close();
            resolve(counts);
          });
          server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            // A stale traceparent set by the caller is replaced, not sent twice.
            fetchWithContext(`http://127.0.0.1:${port}/`, { headers: { traceparent: parent } }).then(
              (response) => response.text(),
              reject,
            );
          });
        });
        assert.equal(seen['traceparent'], 1);
        assert.equal(seen['baggage'], 1);
        assert.equal(seen['x-request-id'], 1);
      });
    } finally {
      await logging.shutdown();
    }
  });

  test('records use the instrumentation spans: no second span, trace id or header', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        send(chain.entryUrl, {
          body: { i },
          agent,
          headers: i % 2 === 0 ? { 'x-request-id': `traced-${i}` } : {},
        }),
      ),
    );
    agent.destroy();
    const records = await receiver.waitForRecords(REQUESTS * RECORDS_PER_REQUEST, 30_000);
    assert.equal(records.length, REQUESTS * RECORDS_PER_REQUEST);
    const spans = spanExporter.getFinishedSpans();

    for (const [i, response] of responses.entries()) {
      assert.equal(response.status, 200, response.body);
      const requestId = String(response.headers['x-request-id']);
      if (i % 2 === 0) assert.equal(requestId, `traced-${i}`);
      const own = records.filter((record) => record.attributes['request.id'] === requestId);
      assert.equal(own.length, RECORDS_PER_REQUEST, `records of request ${i}`);
      const traceIds = new Set(own.map((record) => record.traceId));
      assert.equal(traceIds.size, 1, `one trace id for request ${i}`);
      const [traceId] = traceIds;
      const traceSpans = spans.filter((span) => span.spanContext().traceId === traceId);
      const servers = traceSpans.filter((span) => span.kind === SpanKind.SERVER);
      const clients = traceSpans.filter((span) => span.kind === SpanKind.CLIENT);
      // checkout, payments, inventory each one server span; two calls, each one client span.
      assert.equal(servers.length, 3, `server spans of request ${i}`);
      assert.equal(clients.length, 2, `client spans of request ${i}`);
      assert.equal(traceSpans.length, 5, 'logweave made no span of its own');

      const serverSpanIds = new Set(servers.map((span) => span.spanContext().spanId));
      const spanOf = new Map<string, Set<string>>();
      for (const record of own) {
        spanOf.set(
          record.serviceName ?? '',
          (spanOf.get(record.serviceName ?? '') ?? new Set()).add(record.spanId),
        );
      }
      for (const [service, spanIds] of spanOf) {
        assert.equal(spanIds.size, 1, `${service}: one span id`);
        assert.ok(serverSpanIds.has([...spanIds][0] ?? ''), `${service}: records use the server span`);
      }
      assert.equal(new Set([...spanOf.values()].map((ids) => [...ids][0])).size, 3);

      const clientSpanIds = new Set(clients.map((span) => span.spanContext().spanId));
      for (const service of ['payments', 'inventory']) {
        const hop = own.find(
          (record: ReceivedRecord) =>
            record.serviceName === service && record.attributes['test.traceparent.count'] !== undefined,
        );
        assert.equal(hop?.attributes['test.traceparent.count'], 1, `${service}: one traceparent header`);
        assert.equal(hop?.attributes['test.request_id.count'], 1, `${service}: one request-id header`);
        const parentSpanId = String(hop?.attributes['test.traceparent']).split('-')[2] ?? '';
        assert.ok(clientSpanIds.has(parentSpanId), `${service}: the caller's client span is the parent`);
      }
    }
  });
});
