import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROOT_CONTEXT, context, trace, TraceFlags } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  createLogging,
  type LoggingOptions,
  runWithRequestContext,
  SAMPLING_ATTRIBUTES,
} from '../../src/index.ts';

/** A seeded generator (xorshift128+ over BigInt is too slow; two xorshift32 streams suffice). */
function seededHex(seed: number): () => string {
  let a = seed | 0 || 1;
  let b = (seed * 2654435761) | 0 || 7;
  const next = (): number => {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    b ^= b << 11;
    b ^= b >>> 19;
    b ^= b << 7;
    return (a ^ b) >>> 0;
  };
  return () =>
    next().toString(16).padStart(8, '0') +
    next().toString(16).padStart(8, '0') +
    next().toString(16).padStart(8, '0') +
    next().toString(16).padStart(8, '0');
}

/** The spec's rule, written independently of logweave: keep when R >= T (56-bit integers). */
function specKeeps(traceId: string, tvalue: string): boolean {
  return BigInt(`0x${traceId.slice(18)}`) >= BigInt(`0x${tvalue.padEnd(14, '0')}`);
}

function quietLogging(options: LoggingOptions) {
  return createLogging({
    exporter: 'none',
    handleSignals: false,
    diagnosticWriter: () => undefined,
    ...options,
  });
}

function inTrace<T>(traceId: string, fn: () => T, traceState?: string): T {
  const spanContext = {
    traceId,
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    ...(traceState === undefined
      ? {}
      : { traceState: { get: (key: string) => (key === 'ot' ? traceState : undefined) } as never }),
  };
  return context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), fn);
}

describe('consistent probability sampling', () => {
  // The thresholds themselves are checked against the Collector's in sampling-thresholds.test.ts;
  // this checks that records are decided by them (exactly) and the share that leaves (roughly).
  test('100,000 INFO records at p = 0.1 with seeded trace ids keep 10 % ± 0.5 points, exactly the spec threshold', () => {
    const logging = quietLogging({ sampling: { default: { info: 0.1 } } });
    const log = logging.getLogger('orders');
    const nextTraceId = seededHex(20261121);
    const total = 100_000;
    let expected = 0;
    for (let index = 0; index < total; index++) {
      const traceId = nextTraceId();
      if (specKeeps(traceId, 'e666')) expected++;
      inTrace(traceId, () => log.info('order placed'));
    }
    const stats = logging.stats();
    const kept = stats.kept['default.info'] ?? 0;
    assert.equal(kept, expected, 'the same traces as R >= 0xe666 << 40');
    assert.equal(kept + (stats.dropped.sampled_out ?? 0), total, 'every record kept or counted as dropped');
    const share = kept / total;
    // Binomial(100000, 0.1): the standard deviation is 0.095 points; the seed makes it fixed anyway.
    assert.ok(Math.abs(share - 0.1) <= 0.005, `kept share ${share}`);
    void logging.shutdown();
  });

  test('ERROR and FATAL are always kept, whatever the rules say', () => {
    const logging = quietLogging({
      sampling: { default: { trace: 0, debug: 0, info: 0, warn: 0 }, modules: { '*': { info: 0 } } },
    });
    const log = logging.getLogger('orders');
    const nextTraceId = seededHex(7);
    for (let index = 0; index < 20_000; index++) {
      inTrace(nextTraceId(), () => {
        log.error('failed');
        log.fatal('down');
        log.info('dropped');
      });
    }
    const stats = logging.stats();
    assert.equal(stats.kept['error'], 20_000);
    assert.equal(stats.kept['fatal'], 20_000);
    assert.equal(stats.dropped.sampled_out, 20_000);
    void logging.shutdown();
  });

  test('two independent pipelines make identical decisions; p = 0.05 keeps a subset of p = 0.1', async () => {
    const pipeline = (info: number) => {
      const exporter = new InMemoryLogRecordExporter();
      const logging = createLogging({
        exporter,
        handleSignals: false,
        batch: { maxQueueSize: 50_000, maxExportBatchSize: 5_000 },
        sampling: { default: { info } },
      });
      return { logging, exporter, log: logging.getLogger('checkout') };
    };
    const first = pipeline(0.1);
    const second = pipeline(0.1);
    const half = pipeline(0.05);
    const nextTraceId = seededHex(42);
    const traceIds: string[] = [];
    for (let index = 0; index < 20_000; index++) traceIds.push(nextTraceId());
    for (const traceId of traceIds) {
      // Incoming requests, as a service would see them: the traceparent is continued.
      const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
      for (const { log } of [first, second, half]) {
        runWithRequestContext({ traceparent }, () => log.info('charge created'));
      }
    }
    const keptTraces = async ({ logging, exporter }: ReturnType<typeof pipeline>): Promise<Set<string>> => {
      await logging.forceFlush();
      const ids = new Set(
        exporter.getFinishedLogRecords().map((record) => record.spanContext?.traceId ?? ''),
      );
      await logging.shutdown();
      return ids;
    };
    const keptFirst = await keptTraces(first);
    const keptSecond = await keptTraces(second);
    const keptHalf = await keptTraces(half);
    assert.deepEqual([...keptFirst].sort(), [...keptSecond].sort());
    assert.deepEqual(
      [...keptFirst].sort(),
      traceIds.filter((traceId) => specKeeps(traceId, 'e666')).sort(),
      'a rule at 0.1 keeps exactly the traces a consistent trace sampler at 0.1 (th e666) keeps',
    );
    assert.ok(keptHalf.size > 0 && keptHalf.size < keptFirst.size);
    for (const traceId of keptHalf) assert.ok(keptFirst.has(traceId), `${traceId} kept at 0.05 but not 0.1`);
  });

  test('kept sampled records carry the Collector threshold and the rule', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const logging = createLogging({
      exporter,
      handleSignals: false,
      sampling: { default: { info: 0.01, debug: 0.25 }, modules: { payments: { info: 1 / 3 } } },
      level: 'debug',
    });
    // Randomness ff…f is kept at every probability.
    const traceId = '4bf92f3577b34da6a3ffffffffffffff';
    inTrace(traceId, () => {
      logging.getLogger('orders').info('a');
      logging.getLogger('orders').debug('b');
      logging.getLogger('payments.stripe').info('c');
    });
    await logging.forceFlush();
    const byBody = new Map(
      exporter.getFinishedLogRecords().map((record) => [record.body, record.attributes]),
    );
    // Thresholds from the specification's table (4 digits of precision, raised for leading f's).
    assert.equal(byBody.get('a')?.[SAMPLING_ATTRIBUTES.threshold], 'fd70a');
    assert.equal(byBody.get('b')?.[SAMPLING_ATTRIBUTES.threshold], 'c');
    assert.equal(byBody.get('c')?.[SAMPLING_ATTRIBUTES.threshold], 'aaab');
    // The adjusted count follows from the threshold: 2^56 / (2^56 - T).
    const adjustedCount = (tvalue: unknown) =>
      2 ** 56 / Number((1n << 56n) - BigInt(`0x${String(tvalue).padEnd(14, '0')}`));
    assert.equal(adjustedCount(byBody.get('b')?.[SAMPLING_ATTRIBUTES.threshold]), 4);
    assert.ok(Math.abs(adjustedCount(byBody.get('a')?.[SAMPLING_ATTRIBUTES.threshold]) - 99.9977) < 0.001);
    assert.equal(byBody.get('a')?.[SAMPLING_ATTRIBUTES.rule], 'default.info');
    assert.equal(byBody.get('c')?.[SAMPLING_ATTRIBUTES.rule], 'payments.info');
    // Randomness came from the trace id, which the Collector reads itself.
    assert.equal(byBody.get('a')?.[SAMPLING_ATTRIBUTES.randomness], undefined);
    await logging.shutdown();
  });

  test('an explicit rv in the tracestate decides instead of the trace id, and is written on the record', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const logging = createLogging({ exporter, handleSignals: false, sampling: { default: { info: 0.5 } } });
    const log = logging.getLogger('orders');
    // Trace id randomness says keep (ff…), rv says drop (00…) — and the other way round.
    runWithRequestContext(
      {
        traceparent: '00-4bf92f3577b34da6a3ffffffffffffff-00f067aa0ba902b7-01',
        tracestate: 'ot=th:0;rv:00000000000001',
      },
      () => log.info('rv drops'),
    );
    runWithRequestContext(
      {
        traceparent: '00-4bf92f3577b34da6a30000000000000f-00f067aa0ba902b7-01',
        tracestate: 'ot=rv:f0000000000000',
      },
      () => log.info('rv keeps'),
    );
    await logging.forceFlush();
    const records = exporter.getFinishedLogRecords();
    assert.deepEqual(
      records.map((record) => record.body),
      ['rv keeps'],
    );
    assert.equal(records[0]?.attributes[SAMPLING_ATTRIBUTES.randomness], 'f0000000000000');
    await logging.shutdown();
  });

  test('without a trace, a request id decides the same way for every record of the request', () => {
    const logging = quietLogging({ sampling: { default: { info: 0.5 } } });
    const log = logging.loggerProvider.getLogger('jobs');
    let kept = 0;
    // Records that carry a request id but no span context (emitted with an explicit empty context).
    for (let index = 0; index < 2_000; index++) {
      const requestId = `job-${index}`;
      const before = logging.stats().kept['default.info'] ?? 0;
      for (let repeat = 0; repeat < 5; repeat++) {
        log.emit({
          severityNumber: 9,
          body: 'step',
          attributes: { 'request.id': requestId },
          context: ROOT_CONTEXT,
        });
      }
      const after = logging.stats().kept['default.info'] ?? 0;
      assert.ok(
        after - before === 0 || after - before === 5,
        `request ${requestId} was split: ${after - before}`,
      );
      if (after > before) kept++;
    }
    assert.ok(kept > 800 && kept < 1200, `${kept} of 2000 request ids kept at 0.5`);
    void logging.shutdown();
  });

  test("a child process's records outside requests follow the parent's trace (TRACEPARENT), at the gate too", () => {
    const child = (traceId: string) =>
      quietLogging({
        env: { TRACEPARENT: `00-${traceId}-00f067aa0ba902b7-01` },
        sampling: { default: { info: 0.5 } },
      });
    const keptChild = child('4bf92f3577b34da6a3ffffffffffffff');
    const droppedChild = child('4bf92f3577b34da6a300000000000001');
    for (let index = 0; index < 1_000; index++) {
      keptChild.getLogger('job').info('step');
      droppedChild.getLogger('job').info('step');
    }
    assert.equal(keptChild.stats().kept['default.info'], 1_000);
    assert.equal(droppedChild.stats().dropped.sampled_out, 1_000);
    assert.equal(droppedChild.stats().emitted, 0, 'decided at the gate: no record was created');
    void keptChild.shutdown();
    void droppedChild.shutdown();
  });

  test('records with neither trace nor request are sampled at the rule probability and say their randomness', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const logging = createLogging({
      exporter,
      handleSignals: false,
      batch: { maxQueueSize: 100_000, maxExportBatchSize: 10_000 },
      sampling: { default: { info: 0.1 } },
    });
    const log = logging.getLogger('cron');
    const total = 100_000;
    for (let index = 0; index < total; index++) log.info('tick');
    const stats = logging.stats();
    const kept = stats.kept['default.info'] ?? 0;
    assert.equal(kept + (stats.dropped.sampled_out ?? 0), total);
    // Binomial(100000, 0.1): the standard deviation is 0.095 points; ±1 point never flakes.
    assert.ok(Math.abs(kept / total - 0.1) < 0.01, `kept share ${kept / total}`);
    await logging.forceFlush();
    const sample = exporter.getFinishedLogRecords()[0];
    assert.match(String(sample?.attributes[SAMPLING_ATTRIBUTES.randomness]), /^[0-9a-f]{14}$/);
    await logging.shutdown();
  });
});
