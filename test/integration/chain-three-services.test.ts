import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { ReceivedRecord } from '../helpers/otlp-records.ts';
import { otlpLoggingFor, startChain, type Chain } from './support/chain.ts';
import { send } from './support/http-fixtures.ts';

const REQUESTS = 200;
// Per request: checkout (start, done, access), payments (charging, charged, access), inventory (reserved, access).
const RECORDS_PER_REQUEST = 8;

describe('Express → Fastify → Express over loopback, no tracing SDK', () => {
  let receiver: OtlpReceiver;
  let chain: Chain;
  before(async () => {
    receiver = await startOtlpReceiver();
    chain = await startChain(otlpLoggingFor(receiver.url), request);
  });
  after(async () => {
    await chain.close();
    await receiver.close();
  });

  test('one trace id and one request id per request, a span id of its own per service', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        send(chain.entryUrl, {
          body: { i },
          agent,
          headers: {
            ...(i % 2 === 0 ? { 'x-request-id': `chain-${i}` } : {}),
            ...(i % 4 === 0 ? { baggage: `tenant=t${i}` } : {}),
          },
        }),
      ),
    );
    agent.destroy();
    const requestIds = responses.map((response) => {
      assert.equal(response.status, 200, response.body);
      return String(response.headers['x-request-id']);
    });
    const records = await receiver.waitForRecords(REQUESTS * RECORDS_PER_REQUEST, 30_000);
    assert.equal(records.length, REQUESTS * RECORDS_PER_REQUEST);
    const byRequestId = new Map<string, ReceivedRecord[]>();
    for (const record of records) {
      const requestId = record.attributes['request.id'];
      assert.equal(
        typeof requestId,
        'string',
        `record ${String(record.body)} of ${record.serviceName} has no request id`,
      );
      byRequestId.set(requestId as string, [...(byRequestId.get(requestId as string) ?? []), record]);
    }
    assert.equal(byRequestId.size, REQUESTS);
    for (const [i, requestId] of requestIds.entries()) {
      if (i % 2 === 0) assert.equal(requestId, `chain-${i}`);
      const own = byRequestId.get(requestId) ?? [];
      assert.equal(own.length, RECORDS_PER_REQUEST, `records of request ${i}`);
      assert.equal(new Set(own.map((record) => record.traceId)).size, 1, `one trace for request ${i}`);
      const spanOf = new Map<string, Set<string>>();
      for (const record of own) {
        const test = record.attributes['test.i'];
        if (test !== undefined) assert.equal(test, i);
        spanOf.set(
          record.serviceName ?? '',
          (spanOf.get(record.serviceName ?? '') ?? new Set()).add(record.spanId),
        );
      }
      assert.deepEqual([...spanOf.keys()].sort(), ['checkout', 'inventory', 'payments']);
      for (const spans of spanOf.values()) assert.equal(spans.size, 1, 'one span id per service');
      const [checkoutSpan, paymentsSpan, inventorySpan] = ['checkout', 'payments', 'inventory'].map(
        (service) => [...(spanOf.get(service) ?? [])][0],
      );
      assert.equal(
        new Set([checkoutSpan, paymentsSpan, inventorySpan]).size,
        3,
        'span ids differ per service',
      );
      const received = (service: string): ReceivedRecord | undefined =>
        own.find(
          (record) =>
            record.serviceName === service && record.attributes['test.traceparent.count'] !== undefined,
        );
      const atPayments = received('payments');
      const atInventory = received('inventory');
      // Each hop saw exactly one traceparent and one request id. Its parent is the caller's call
      // (W3C: each outgoing request's parent-id identifies that call), a span id minted for it:
      // none of the services' own span ids, and the parent-id of the traceparent it received.
      for (const hop of [atPayments, atInventory]) {
        assert.equal(hop?.attributes['test.traceparent.count'], 1);
        assert.equal(hop?.attributes['test.request_id.count'], 1);
        const parentSpanId = hop?.attributes['test.parent_span_id'];
        assert.match(String(parentSpanId), /^[0-9a-f]{16}$/);
        assert.equal(parentSpanId, String(hop?.attributes['test.traceparent']).split('-')[2]);
        assert.ok(![checkoutSpan, paymentsSpan, inventorySpan].includes(String(parentSpanId)));
      }
      if (i % 4 === 0) {
        assert.equal(atPayments?.attributes['test.baggage'], `tenant=t${i}`);
        assert.equal(atInventory?.attributes['test.baggage'], `tenant=t${i}`);
      }
    }
  });
});
