import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { describe, test } from 'node:test';
import { context } from '@opentelemetry/api';
import express from 'express';
import { logweaveExpress } from '../../integrations/express/index.ts';
import { releaseMessage, SIGNATURE_HEADER } from '../../src/context/release-notifier.ts';
import { sign } from '../../src/context/signal-secret.ts';
import { answerReleaseCall } from '../../src/http/release-endpoint.ts';
import {
  createKeepToken,
  fetchWithContext,
  getRequestContext,
  keepBaggage,
  markRequestFailed,
  observeResponse,
  OUTCOME_HEADER,
  RELEASE_PATH,
  runWithRequestContext,
  SAMPLING_ATTRIBUTES,
} from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

const SECRET = 'a-shared-secret-of-32-characters!';
// Randomness 0…01: dropped by every probability below 1.
const TRACE_ID = '4bf92f3577b34da6a300000000000001';
const DROPPED = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function pipeline(options: { secret?: boolean; graceMillis?: number; traceBased?: boolean } = {}) {
  return memoryPipeline({
    sampling: {
      default: { info: 0.1 },
      errorBuffer: options.graceMillis === undefined ? {} : { graceMillis: options.graceMillis },
      ...(options.traceBased === undefined ? {} : { traceBased: options.traceBased }),
    },
    ...(options.secret === true ? { signals: { secret: SECRET } } : {}),
  });
}

const rules = (records: Array<{ attributes: Record<string, unknown> }>): unknown[] =>
  records.map((record) => record.attributes[SAMPLING_ATTRIBUTES.rule]);

describe('late release (grace period)', () => {
  test('markRequestFailed(request) after the request ended keeps what it held, as late_release', async () => {
    const { logging, records, shutdown } = pipeline();
    const log = logging.getLogger('jobs');
    // A queue consumer that learns later that the work it did for this request failed.
    const request = runWithRequestContext({ traceparent: DROPPED }, () => {
      log.info('queued work started');
      log.info('queued work done');
      return getRequestContext();
    });
    assert.equal(logging.stats().held, 2, 'held through the grace period');
    markRequestFailed(request);
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      ['queued work started', 'queued work done'],
    );
    assert.deepEqual(rules(kept), ['late_release', 'late_release']);
    assert.equal(logging.stats().kept['late_release'], 2);
    await shutdown();
  });

  test('the grace period is bounded: past maxTotalBytes, ended requests lose their held lines first', async () => {
    const { logging, shutdown } = memoryPipeline({
      sampling: { default: { info: 0 }, errorBuffer: { maxTotalBytes: 4096 } },
    });
    const log = logging.getLogger('jobs');
    for (let index = 0; index < 20; index++) {
      runWithRequestContext({ traceparent: DROPPED }, () => log.info('ended request', { index }));
    }
    const live = logging.createRequestContext({ traceparent: DROPPED });
    context.with(live.context, () => {
      for (let index = 0; index < 4; index++) log.info('live request', { padding: 'x'.repeat(200) });
    });
    const stats = logging.stats();
    assert.ok((stats.dropped.buffer_overflow ?? 0) > 0, 'overflow is counted');
    // The live request's records are all still there: the ended ones made room.
    markRequestFailed(live.request);
    assert.equal(logging.stats().kept['error_buffer'], 4);
    await shutdown();
  });

  test('without a failure, held lines count as sampled out once the grace period is over', async () => {
    const { logging, shutdown } = pipeline({ graceMillis: 1 });
    runWithRequestContext({ traceparent: DROPPED }, () => logging.getLogger('jobs').info('held'));
    await new Promise((resolve) => setTimeout(resolve, 5)); // the subject is time passing
    const stats = logging.stats();
    assert.equal(stats.held, 0);
    assert.equal(stats.dropped.sampled_out, 1);
    await shutdown();
  });
});

describe('failure travels upstream', () => {
  async function service(fail: 'header' | 'status' | 'none') {
    const callee = memoryPipeline({
      serviceName: 'callee',
      sampling: { default: { info: 0 }, errorBuffer: {} },
    });
    const app = express();
    app.use(logweaveExpress(callee.logging));
    app.get('/', (_req, res) => {
      if (fail === 'header') callee.logging.getLogger('callee').error('handled, answered 200 anyway');
      res.status(fail === 'status' ? 503 : 200).send('ok');
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())), callee };
  }

  for (const fail of ['header', 'status'] as const) {
    test(`a callee that failed (${fail}) makes the caller keep its story as upstream_failure`, async () => {
      const target = await service(fail);
      const caller = pipeline();
      const log = caller.logging.getLogger('caller');
      await runWithRequestContext({ traceparent: DROPPED }, async () => {
        log.info('before the call');
        const response = await fetchWithContext(target.url);
        assert.equal(response.headers.get(OUTCOME_HEADER), fail === 'header' ? 'failed' : null);
        await response.text();
        log.info('after the call');
      });
      const kept = await caller.records();
      assert.deepEqual(
        kept.map((record) => record.body),
        ['before the call', 'after the call'],
      );
      assert.deepEqual(rules(kept), ['upstream_failure', 'upstream_failure']);
      await caller.shutdown();
      await target.callee.shutdown();
      await target.close();
    });
  }

  test('followFailure: false leaves the caller alone; a callee that succeeded sends no header', async () => {
    const failing = await service('status');
    const fine = await service('none');
    const caller = pipeline();
    await runWithRequestContext({ traceparent: DROPPED }, async () => {
      caller.logging.getLogger('caller').info('probe');
      await (await fetchWithContext(failing.url, {}, { followFailure: false })).text();
      const ok = await fetchWithContext(fine.url);
      assert.equal(ok.headers.get(OUTCOME_HEADER), null);
      await ok.text();
    });
    assert.deepEqual(await caller.records(), []);
    for (const target of [failing, fine]) {
      await target.callee.shutdown();
      await target.close();
    }
    await caller.shutdown();
  });

  test('observeResponse reads a node:http response the same way', async () => {
    const target = await service('header');
    const caller = pipeline();
    await runWithRequestContext({ traceparent: DROPPED }, async () => {
      caller.logging.getLogger('caller').info('through node:http');
      await new Promise<void>((resolve, reject) => {
        request(target.url, (res) => {
          assert.equal(observeResponse(res), true);
          res.resume().on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
    });
    assert.deepEqual(rules(await caller.records()), ['upstream_failure']);
    await caller.shutdown();
    await target.callee.shutdown();
    await target.close();
  });
});

describe('release calls between services', () => {
  test('a valid signed call releases what this process holds for the trace, also after the end', async () => {
    const { logging, records, shutdown } = pipeline({ secret: true });
    runWithRequestContext({ traceparent: DROPPED }, () => logging.getLogger('inventory').info('reserved'));
    const issuedAt = Date.now();
    const { body, signed } = releaseMessage(TRACE_ID, issuedAt);
    assert.equal(answerReleaseCall(body, sign(SECRET, signed)), 204);
    const kept = await records();
    assert.deepEqual(rules(kept), ['late_release']);
    await shutdown();
  });

  test('forged, stale and malformed calls are refused and release nothing', async () => {
    const { logging, records, shutdown } = pipeline({ secret: true });
    runWithRequestContext({ traceparent: DROPPED }, () => logging.getLogger('inventory').info('reserved'));
    const now = Date.now();
    const { body, signed } = releaseMessage(TRACE_ID, now);
    assert.equal(answerReleaseCall(body, sign('another-secret-of-32-characters!!', signed)), 401);
    assert.equal(answerReleaseCall(body, undefined), 401);
    assert.equal(answerReleaseCall(body, 'f'.repeat(64)), 401);
    const old = releaseMessage(TRACE_ID, now - 120_000);
    assert.equal(answerReleaseCall(old.body, sign(SECRET, old.signed)), 401, 'older than a minute');
    assert.equal(answerReleaseCall('{', sign(SECRET, signed)), 400);
    assert.equal(answerReleaseCall(JSON.stringify({ traceId: '0'.repeat(32), issuedAt: now }), 'x'), 400);
    assert.deepEqual(await records(), []);
    await shutdown();
  });

  test('the endpoint answers on the service port, bounded, and 404 without a secret', async () => {
    const withSecret = pipeline({ secret: true });
    const app = express();
    app.use(logweaveExpress(withSecret.logging));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const issuedAt = Date.now();
    const { body, signed } = releaseMessage(TRACE_ID, issuedAt);
    const ok = await fetch(`${base}${RELEASE_PATH}`, {
      method: 'POST',
      headers: { [SIGNATURE_HEADER]: sign(SECRET, signed) },
      body,
    });
    assert.equal(ok.status, 204);
    const huge = await fetch(`${base}${RELEASE_PATH}`, { method: 'POST', body: 'x'.repeat(10_000) });
    assert.equal(huge.status, 413);
    await withSecret.shutdown();
    // Without a secret in force the path is an ordinary route (here: none, so Express's 404).
    const plain = await fetch(`${base}${RELEASE_PATH}`, { method: 'POST', body });
    assert.equal(plain.status, 404);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('keep tokens', () => {
  test('a request with a valid token keeps everything (forced); a bad or expired one keeps nothing more', async () => {
    const { logging, records, shutdown } = pipeline({ secret: true });
    const log = logging.getLogger('orders');
    const valid = createKeepToken(TRACE_ID, SECRET, 60);
    const cases: Array<[string, string]> = [
      ['valid', keepBaggage(valid)],
      ['another trace', keepBaggage(createKeepToken('4bf92f3577b34da6a300000000000002', SECRET, 60))],
      ['another secret', keepBaggage(createKeepToken(TRACE_ID, 'another-secret-of-32-characters!!', 60))],
      ['expired', keepBaggage(createKeepToken(TRACE_ID, SECRET, 60, Date.now() - 3_600_000))],
      ['garbage', 'logweave.keep=123.abc'],
    ];
    for (const [name, baggage] of cases) {
      runWithRequestContext({ traceparent: DROPPED, baggage }, () => log.info(name));
    }
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      ['valid'],
    );
    assert.deepEqual(rules(kept), ['forced']);
    await shutdown();
  });

  test('without a signal secret a keep token is ignored', async () => {
    const { logging, records, shutdown } = pipeline();
    const token = createKeepToken(TRACE_ID, SECRET, 60);
    runWithRequestContext({ traceparent: DROPPED, baggage: keepBaggage(token) }, () =>
      logging.getLogger('orders').info('not forced'),
    );
    assert.deepEqual(await records(), []);
    await shutdown();
  });

  test('createKeepToken refuses what it cannot sign safely', () => {
    assert.throws(() => createKeepToken('nope', SECRET, 60), RangeError);
    assert.throws(() => createKeepToken(TRACE_ID, SECRET, 0), RangeError);
    assert.throws(() => createKeepToken(TRACE_ID, SECRET, 2 * 24 * 3600), RangeError);
  });
});

describe('traceBased', () => {
  test('the sampled flag decides in place of the probability rules; ERROR always kept', async () => {
    const { logging, records, shutdown } = memoryPipeline({
      sampling: { default: { info: 0.1, debug: 0 }, traceBased: true },
      level: 'debug',
    });
    const log = logging.getLogger('orders');
    runWithRequestContext({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }, () => {
      log.info('sampled trace: kept although its randomness is low');
      log.debug('a rule at 0 still drops');
    });
    runWithRequestContext({ traceparent: '00-4bf92f3577b34da6a3ffffffffffffff-00f067aa0ba902b7-00' }, () => {
      log.info('unsampled trace: dropped although its randomness is high');
      log.error('errors are always kept');
    });
    assert.deepEqual(
      (await records()).map((record) => record.body),
      ['sampled trace: kept although its randomness is low', 'errors are always kept'],
    );
    await shutdown();
  });
});
