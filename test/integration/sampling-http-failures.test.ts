import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import express from 'express';
import { logweaveExpress } from '../../integrations/express/index.ts';
import { createLogging, SAMPLING_ATTRIBUTES } from '../../src/index.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { listen, send } from './support/http-fixtures.ts';

describe('sampling with a real server and a real OTLP receiver', () => {
  test('5xx requests deliver their whole story; successful ones only what sampling kept', async () => {
    const receiver = await startOtlpReceiver();
    const logging = createLogging({
      serviceName: 'checkout',
      exporter: 'otlp',
      otlp: { url: receiver.url },
      level: 'debug',
      handleSignals: false,
      batch: { maxQueueSize: 50_000, maxExportBatchSize: 1_000, scheduledDelayMillis: 20 },
      sampling: {
        default: { debug: 0, info: 0 },
        modules: { sampled: { info: 1 } },
        // Counted when each request ends (the grace period has its own tests).
        errorBuffer: { graceMillis: 0 },
      },
    });
    const log = logging.getLogger('app');
    const sampled = logging.getLogger('sampled');
    const app = express();
    app.use(logweaveExpress(logging));
    app.get('/cart/:id', async (req, res) => {
      log.info('loading cart', { cart: req.params.id });
      log.debug('cache miss');
      sampled.info('always kept');
      await delay(Number(req.params.id) % 4);
      if (Number(req.params.id) % 3 === 0) {
        log.info('upstream unavailable');
        res.status(503).json({ ok: false });
      } else {
        log.info('cart loaded');
        res.json({ ok: true });
      }
    });
    const server = await listen(createServer(app));
    const total = 600;
    try {
      const responses = await Promise.all(
        Array.from({ length: total }, (_, id) =>
          send(`${server.url}/cart/${id}`, { headers: { 'x-request-id': `cart-${id}` } }),
        ),
      );
      assert.equal(responses.filter((response) => response.status === 503).length, total / 3);
      await logging.forceFlush();
      const appRecords = receiver.records.filter((record) => record.scope === 'app');
      const byRequest = new Map<string, string[]>();
      for (const record of appRecords) {
        const requestId = String(record.attributes['request.id']);
        byRequest.set(requestId, [...(byRequest.get(requestId) ?? []), String(record.body)]);
        assert.equal(record.attributes[SAMPLING_ATTRIBUTES.rule], 'error_buffer');
        assert.equal(record.serviceName, 'checkout');
      }
      assert.equal(byRequest.size, total / 3);
      for (const [requestId, bodies] of byRequest) {
        assert.equal(
          Number(requestId.slice(5)) % 3,
          0,
          `${requestId} succeeded but its held records were sent`,
        );
        assert.deepEqual(bodies, ['loading cart', 'cache miss', 'upstream unavailable']);
      }
      const kept = receiver.records.filter((record) => record.scope === 'sampled');
      assert.equal(kept.length, total, 'records a rule keeps are delivered for every request');
      const stats = logging.stats();
      assert.equal(stats.kept['error_buffer'], (total / 3) * 3);
      // Three app records per successful request, plus the integration's INFO access record.
      assert.equal(stats.dropped.sampled_out, ((total * 2) / 3) * 4);
    } finally {
      await server.close();
      await logging.shutdown();
      await receiver.close();
    }
  });
});
