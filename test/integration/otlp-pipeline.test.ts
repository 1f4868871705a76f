import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogging, runWithRequestContext, type Logging } from '../../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`OTLP/HTTP end to end (${protocol})`, () => {
    let receiver: OtlpReceiver;
    let logging: Logging;

    before(async () => {
      receiver = await startOtlpReceiver();
      logging = createLogging({
        serviceName: 'checkout',
        resourceAttributes: { 'deployment.environment.name': 'test' },
        otlp: { url: receiver.url, protocol },
        batch: { scheduledDelayMillis: 20 },
        handleSignals: false,
        env: {},
      });
    });

    after(async () => {
      await logging.shutdown();
      await receiver.close();
    });

    test('delivers trace id, span id, request.id, service.name, severity, body and attributes', async () => {
      const log = logging.getLogger('payments.stripe');
      let spanId = '';
      await runWithRequestContext(
        { headers: { traceparent: TRACEPARENT, 'x-request-id': 'req-42' } },
        async () => {
          await Promise.resolve();
          log.info('charge created', { amount: 1999, currency: 'EUR', big: 2 ** 40, nested: { ok: true } });
          log.warn('slow upstream', { latencyMs: 812.5 });
          spanId = (await import('../../src/index.ts')).getRequestContext().spanId;
        },
      );
      log.info('outside any request');
      await logging.forceFlush();
      const records = await receiver.waitForRecords(3);

      assert.ok(
        receiver.requests.every((r) =>
          r.contentType.includes(protocol === 'http/json' ? 'json' : 'protobuf'),
        ),
      );
      const [charge, slow, outside] = records;
      assert.ok(charge && slow && outside);
      assert.equal(charge.serviceName, 'checkout');
      assert.equal(charge.resource['deployment.environment.name'], 'test');
      assert.equal(charge.scope, 'payments.stripe');
      assert.equal(charge.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
      assert.equal(charge.spanId, spanId);
      assert.notEqual(charge.spanId, '00f067aa0ba902b7', 'the service has a span id of its own');
      assert.equal(charge.flags & 1, 1);
      assert.equal(charge.severityNumber, 9);
      assert.equal(charge.severityText, 'INFO');
      assert.equal(charge.body, 'charge created');
      assert.deepEqual(charge.attributes, {
        amount: 1999,
        currency: 'EUR',
        big: 2 ** 40,
        nested: { ok: true },
        'request.id': 'req-42',
      });
      assert.equal(slow.severityNumber, 13);
      assert.equal(slow.attributes['latencyMs'], 812.5);
      assert.equal(slow.traceId, charge.traceId);
      assert.equal(outside.traceId, '');
      assert.equal(outside.attributes['request.id'], undefined, 'no request id outside a request');
      assert.deepEqual(logging.stats().exported, 3);
    });
  });
}
