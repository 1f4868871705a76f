import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay, setImmediate as nextTurn } from 'node:timers/promises';
import { context } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  markRequestFailed,
  runWithRequestContext,
  SAMPLING_ATTRIBUTES,
  type SamplingOptions,
} from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

/** Randomness 0…01 is dropped by any probability below 1; ff…f is kept by any above 0. */
const DROPPED_TRACEPARENT = '00-4bf92f3577b34da6a300000000000001-00f067aa0ba902b7-01';
const KEPT_TRACEPARENT = '00-4bf92f3577b34da6a3ffffffffffffff-00f067aa0ba902b7-01';

function memoryLogging(sampling: SamplingOptions) {
  return memoryPipeline({
    level: 'debug',
    batch: { maxQueueSize: 100_000, maxExportBatchSize: 10_000 },
    sampling,
  });
}

const nanos = (record: ReadableLogRecord): bigint =>
  BigInt(record.hrTime[0]) * 1_000_000_000n + BigInt(record.hrTime[1]);

describe('error buffer', () => {
  test('a failing request keeps all its held records in order with their original timestamps', async () => {
    const { logging, records } = memoryLogging({ default: { debug: 0, info: 0.1 }, errorBuffer: {} });
    const log = logging.getLogger('orders');
    const emittedAt: number[] = [];
    await runWithRequestContext({ traceparent: DROPPED_TRACEPARENT, requestId: 'req-fail' }, async () => {
      for (let step = 1; step <= 5; step++) {
        emittedAt.push(Date.now());
        log.info(`step ${step}`);
        log.debug(`detail ${step}`);
        // Time has to pass: the test checks that each held record keeps its own timestamp.
        await delay(2);
      }
      log.error('charge failed', new Error('card declined'));
      log.info('after the failure');
    });
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      [
        'step 1',
        'detail 1',
        'step 2',
        'detail 2',
        'step 3',
        'detail 3',
        'step 4',
        'detail 4',
        'step 5',
        'detail 5',
        'charge failed',
        'after the failure',
      ],
    );
    for (let index = 1; index < kept.length; index++) {
      assert.ok(nanos(kept[index]!) >= nanos(kept[index - 1]!), 'timestamps are the original ones, in order');
    }
    // The held records carry the time they were logged, not the time of the flush: step i was
    // logged before step i + 1 started, two milliseconds or more later.
    const millis = (record: ReadableLogRecord): number => Number(nanos(record) / 1_000_000n);
    for (let step = 1; step < 5; step++) {
      const record = kept.find((candidate) => candidate.body === `step ${step}`)!;
      assert.ok(millis(record) <= emittedAt[step]!, `step ${step} keeps its own timestamp`);
    }
    for (const record of kept.filter((record) => record.severityNumber !== 17)) {
      assert.equal(record.attributes[SAMPLING_ATTRIBUTES.rule], 'error_buffer');
      assert.equal(record.attributes['request.id'], 'req-fail');
    }
    const stats = logging.stats();
    assert.equal(stats.kept['error_buffer'], 11);
    assert.equal(stats.kept['error'], 1);
    await logging.shutdown();
  });

  test('a successful request keeps only its sampled records; the held ones are counted as sampled out', async () => {
    // Without a grace period the held records are counted when the request ends.
    const { logging, records } = memoryLogging({ default: { info: 0.1 }, errorBuffer: { graceMillis: 0 } });
    const log = logging.getLogger('orders');
    await runWithRequestContext({ traceparent: KEPT_TRACEPARENT }, async () => {
      log.info('sampled in');
      await nextTurn();
      log.info('sampled in too');
    });
    await runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, async () => {
      log.info('held then discarded');
      await nextTurn();
      log.info('held then discarded too');
    });
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      ['sampled in', 'sampled in too'],
    );
    assert.equal(kept[0]?.attributes[SAMPLING_ATTRIBUTES.rule], 'default.info');
    const stats = logging.stats();
    assert.equal(stats.kept['default.info'], 2);
    assert.equal(stats.dropped.sampled_out, 2);
    assert.equal(stats.kept['error_buffer'], undefined);
    await logging.shutdown();
  });

  test('markRequestFailed (what integrations call for a 5xx) hands the held records on without an ERROR', async () => {
    const { logging, records } = memoryLogging({
      default: { info: 0 },
      warnAllowlist: [],
      errorBuffer: {},
    });
    const log = logging.getLogger('orders');
    await runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, async () => {
      log.info('validating');
      log.warn('slow upstream');
      await nextTurn();
      markRequestFailed();
      log.info('responding 503');
    });
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      ['validating', 'slow upstream', 'responding 503'],
    );
    assert.equal(logging.stats().kept['error_buffer'], 3);
    await logging.shutdown();
  });

  test('per-request overflow drops the oldest held records and counts them', async () => {
    const { logging, records } = memoryLogging({ default: { info: 0 }, errorBuffer: { maxRecords: 3 } });
    const log = logging.getLogger('orders');
    await runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, async () => {
      for (let step = 1; step <= 5; step++) log.info(`step ${step}`);
      log.error('failed');
    });
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      ['step 3', 'step 4', 'step 5', 'failed'],
    );
    assert.equal(logging.stats().dropped.buffer_overflow, 2);
    await logging.shutdown();
  });

  test('the byte bounds hold: per request and across requests, every eviction counted', async () => {
    const { logging, records } = memoryLogging({
      default: { info: 0 },
      errorBuffer: { maxRecords: 1000, maxBytes: 4096, maxTotalBytes: 8192 },
    });
    const log = logging.getLogger('orders');
    const big = 'x'.repeat(1000); // ~2.3 KB per held record by the estimate
    const releases: Array<() => void> = [];
    const requests: Array<Promise<void>> = [];
    for (let index = 0; index < 4; index++) {
      requests.push(
        runWithRequestContext({ traceparent: DROPPED_TRACEPARENT, requestId: `r${index}` }, async () => {
          for (let step = 0; step < 3; step++) log.info(big, { step });
          await new Promise<void>((resolve) => releases.push(resolve));
          log.error(`r${index} failed`);
        }),
      );
    }
    for (const release of releases) release();
    await Promise.all(requests);
    const kept = await records();
    const held = kept.filter((record) => record.attributes[SAMPLING_ATTRIBUTES.rule] === 'error_buffer');
    const stats = logging.stats();
    assert.equal(kept.length - held.length, 4, 'every ERROR is kept');
    assert.equal(
      held.length + (stats.dropped.buffer_overflow ?? 0),
      12,
      'each held record was flushed or counted',
    );
    assert.ok(held.length <= 3, `at most ~8 KB held across requests, got ${held.length} records`);
    await logging.shutdown();
  });

  test('requests that never end are evicted after maxAgeMillis and counted', async () => {
    const { logging, records } = memoryLogging({
      default: { info: 0 },
      errorBuffer: { maxAgeMillis: 20, graceMillis: 0 },
    });
    const log = logging.getLogger('orders');
    const { context: stuck } = logging.createRequestContext({ traceparent: DROPPED_TRACEPARENT });
    context.with(stuck, () => log.info('a request that never ends'));
    // Time has to pass: eviction is by age (the error buffer reads the wall clock).
    await delay(40);
    // The next held record triggers the eviction of the stale request.
    runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, () => log.info('another'));
    assert.equal(logging.stats().dropped.expired, 1);
    context.with(stuck, () => log.error('too late'));
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.body),
      ['too late'],
    );
    await logging.shutdown();
  });

  test('records logged after their request ended are not held: counted as dropped at once', async () => {
    const { logging, records } = memoryLogging({
      default: { info: 0 },
      errorBuffer: { maxAgeMillis: 10, graceMillis: 0 },
    });
    const log = logging.getLogger('orders');
    let late: (() => void) | undefined;
    await runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, async () => {
      log.info('during');
      // Work the handler leaves running after it answered.
      late = () => log.info('after the end');
      setImmediate(() => late?.());
    });
    // Time has to pass: maxAgeMillis must have run out for the late record's request, had it been held.
    await delay(20);
    runWithRequestContext({ traceparent: DROPPED_TRACEPARENT }, () => log.info('triggers expiry'));
    const stats = logging.stats();
    assert.equal(stats.dropped.sampled_out, 3);
    assert.equal(
      stats.dropped.buffer_overflow,
      undefined,
      'nothing was left waiting for a request that ended',
    );
    assert.deepEqual(await records(), []);
    await logging.shutdown();
  });

  test('2,000 interleaved requests: exactly the failed ones keep their whole story, nothing leaks across', async () => {
    const { logging, records } = memoryLogging({ default: { info: 0 }, errorBuffer: { graceMillis: 0 } });
    const log = logging.getLogger('orders');
    const work: Array<Promise<void>> = [];
    for (let index = 0; index < 2_000; index++) {
      const fails = index % 5 === 0;
      work.push(
        runWithRequestContext({ requestId: `req-${index}` }, async () => {
          log.info('start');
          // Timers of different lengths are what interleave the requests here.
          await delay(index % 7);
          log.info('middle');
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (fails) log.error('failed');
          else log.info('done');
        }),
      );
    }
    await Promise.all(work);
    const kept = await records();
    const byRequest = new Map<string, string[]>();
    for (const record of kept) {
      const requestId = String(record.attributes['request.id']);
      byRequest.set(requestId, [...(byRequest.get(requestId) ?? []), String(record.body)]);
    }
    assert.equal(byRequest.size, 400);
    for (const [requestId, bodies] of byRequest) {
      assert.equal(Number(requestId.slice(4)) % 5, 0, `${requestId} did not fail`);
      assert.deepEqual(bodies, ['start', 'middle', 'failed']);
    }
    const stats = logging.stats();
    assert.equal(stats.kept['error_buffer'], 800);
    assert.equal(stats.dropped.sampled_out, 1600 * 3);
    await logging.shutdown();
  });
});
