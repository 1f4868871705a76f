import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  BURST_ATTRIBUTES,
  createLogging,
  SamplingProcessor,
  STATS_METRICS,
  type SamplingOptions,
} from '../../src/index.ts';
import { BURST_QUIET_MILLIS } from '../../src/sampling/burst-limiter.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function points(
  metrics: ResourceMetrics,
  name: string,
): Array<{ attributes: Record<string, unknown>; value: number }> {
  const found = metrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === name);
  return (found?.dataPoints ?? []).map((point) => ({
    attributes: point.attributes as Record<string, unknown>,
    value: point.value as number,
  }));
}

/** A SamplingProcessor on its own (as in a NodeSDK) on a clock the test moves by hand. */
function standaloneSampling(sampling: SamplingOptions) {
  let now = 0;
  const exporter = new InMemoryLogRecordExporter();
  const processor = new SimpleLogRecordProcessor({ exporter });
  const samplingProcessor = new SamplingProcessor(processor, { sampling, clock: () => now });
  const provider = new LoggerProvider({ processors: [samplingProcessor] });
  return {
    sampling: samplingProcessor,
    logger: provider.getLogger('jobs'),
    records: (): ReadableLogRecord[] => exporter.getFinishedLogRecords(),
    advance(millis: number) {
      now += millis;
    },
    shutdown: () => provider.shutdown(),
  };
}

describe('burst limiting', () => {
  test('suppressed records are counted and one summary per template says how many, first and last', async () => {
    const { logging, records: exported } = memoryPipeline({
      batch: { maxQueueSize: 10_000, maxExportBatchSize: 10_000 },
      sampling: { default: { info: 1 }, burst: { perTemplatePerSecond: 50 } },
    });
    const log = logging.getLogger('payments');
    for (let index = 0; index < 1_000; index++) {
      log.info('retrying charge', { attempt: index });
      log.info('queue depth', { depth: index });
    }
    log.error('not limited', { index: 1 });
    for (let index = 0; index < 100; index++) log.error('errors are never limited');
    // The flush ends the bursts: their summaries go out before it resolves.
    const records = await exported();
    const summaries = records.filter((record) => record.eventName === 'logweave.burst.summary');
    const passed = records.filter((record) => record.eventName !== 'logweave.burst.summary');
    const stats = logging.stats();
    assert.equal(summaries.length, 2);
    let suppressedTotal = 0;
    for (const template of ['retrying charge', 'queue depth']) {
      const summary = summaries.find((record) => record.attributes[BURST_ATTRIBUTES.template] === template);
      assert.ok(summary !== undefined, template);
      const suppressed = summary.attributes[BURST_ATTRIBUTES.suppressedCount] as number;
      const kept = passed.filter((record) => record.body === template).length;
      // On the real clock, whatever the machine's speed: each record either passed or is in the
      // summary's count (the exact figures are checked on an injected clock below).
      assert.equal(kept + suppressed, 1_000, template);
      assert.ok(kept >= 50, `${template}: the bucket starts full (${kept})`);
      assert.ok(
        String(summary.attributes[BURST_ATTRIBUTES.firstTimestamp]) <=
          String(summary.attributes[BURST_ATTRIBUTES.lastTimestamp]),
      );
      assert.equal(summary.instrumentationScope.name, 'payments');
      suppressedTotal += suppressed;
    }
    assert.equal(stats.dropped.burst, suppressedTotal);
    assert.equal(stats.kept['burst_summary'], 2);
    assert.equal(
      passed.filter((record) => record.severityNumber === 17).length,
      101,
      'ERROR is never limited',
    );
    await logging.shutdown();
  });

  test('on an injected clock the limit is exact: a full bucket, then one token per 1/rate seconds', async () => {
    const { sampling, records, logger, advance, shutdown } = standaloneSampling({
      default: { info: 1 },
      burst: { perTemplatePerSecond: 50 },
    });
    for (let index = 0; index < 1_000; index++) logger.emit({ severityNumber: 9, body: 'retrying charge' });
    advance(100);
    for (let index = 0; index < 1_000; index++) logger.emit({ severityNumber: 9, body: 'retrying charge' });
    await sampling.forceFlush();
    const passed = records().filter((record) => record.body === 'retrying charge');
    const summary = records().find((record) => record.eventName === 'logweave.burst.summary');
    assert.equal(passed.length, 50 + 5, '50 at once, then 5 in 100 ms');
    assert.equal(summary?.attributes[BURST_ATTRIBUTES.suppressedCount], 2_000 - 55);
    sampling.drainCounters();
    assert.equal(sampling.stats.snapshot().dropped.burst, 2_000 - 55);
    assert.equal(sampling.stats.snapshot().kept['burst_summary'], 1);
    await shutdown();
  });
});

describe('burst end', () => {
  test('when a burst ends, its summary goes out by itself, without a flush', async (t) => {
    // The limiter's own interval is mocked and its clock injected: no real second has to pass.
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { sampling, records, logger, advance, shutdown } = standaloneSampling({
      burst: { perTemplatePerSecond: 5 },
    });
    for (let index = 0; index < 50; index++) logger.emit({ severityNumber: 9, body: 'polling' });
    const summaryOut = (): boolean =>
      records().some((record) => record.eventName === 'logweave.burst.summary');
    advance(BURST_QUIET_MILLIS - 1);
    t.mock.timers.tick(BURST_QUIET_MILLIS);
    assert.equal(summaryOut(), false, 'not before a quiet second');
    advance(1);
    t.mock.timers.tick(BURST_QUIET_MILLIS / 2);
    const summary = records().find((record) => record.eventName === 'logweave.burst.summary');
    assert.ok(summary !== undefined, 'the summary went out on the next tick of the interval');
    const passed = records().filter((record) => record.body === 'polling').length;
    assert.equal(passed, 5);
    assert.equal(passed + (summary.attributes[BURST_ATTRIBUTES.suppressedCount] as number), 50);
    sampling.drainCounters();
    assert.equal(sampling.stats.snapshot().dropped.burst, 50 - passed);
    await shutdown();
  });
});

describe('stats', () => {
  test('kept by rule and dropped by reason are published as OTel metrics when a MeterProvider is given', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      meterProvider,
      sampling: { default: { info: 0 }, modules: { payments: { info: 1 } } },
    });
    for (let index = 0; index < 5; index++) logging.getLogger('payments').info('kept');
    for (let index = 0; index < 3; index++) logging.getLogger('orders').info('dropped');
    logging.getLogger('orders').warn('not allow-listed');
    const { resourceMetrics } = await reader.collect();
    assert.deepEqual(points(resourceMetrics, STATS_METRICS.kept), [
      { attributes: { [STATS_METRICS.ruleAttribute]: 'payments.info' }, value: 5 },
    ]);
    assert.deepEqual(
      points(resourceMetrics, STATS_METRICS.dropped).sort((a, b) => a.value - b.value),
      [
        { attributes: { [STATS_METRICS.reasonAttribute]: 'not_allowlisted' }, value: 1 },
        { attributes: { [STATS_METRICS.reasonAttribute]: 'sampled_out' }, value: 3 },
      ],
    );
    assert.deepEqual(logging.stats().kept, { 'payments.info': 5 });
    await logging.shutdown();
    await meterProvider.shutdown();
  });
});
