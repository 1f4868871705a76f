import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { BURST_ATTRIBUTES, createLogging, STATS_METRICS } from '../../src/index.ts';

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

describe('burst limiting', () => {
  test('suppressed records are counted and one summary per template says how many, first and last', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const logging = createLogging({
      exporter,
      handleSignals: false,
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
    await logging.forceFlush(); // ends the bursts: their summaries go out before the flush
    const records = exporter.getFinishedLogRecords();
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
      // Whatever the machine's speed: each record either passed or is in the summary's count.
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
});

describe('burst end', () => {
  test('when a burst ends, its summary goes out by itself, without a flush', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const logging = createLogging({
      exporter,
      handleSignals: false,
      batch: { scheduledDelayMillis: 20 },
      sampling: { burst: { perTemplatePerSecond: 5 } },
    });
    const log = logging.getLogger('jobs');
    for (let index = 0; index < 50; index++) log.info('polling');
    const summaryOut = (): boolean =>
      exporter.getFinishedLogRecords().some((record) => record.eventName === 'logweave.burst.summary');
    for (let attempt = 0; attempt < 200 && !summaryOut(); attempt++) await delay(25);
    const summary = exporter
      .getFinishedLogRecords()
      .find((record) => record.eventName === 'logweave.burst.summary');
    assert.ok(summary !== undefined, 'a summary within five seconds of the burst');
    const passed = exporter.getFinishedLogRecords().filter((record) => record.body === 'polling').length;
    assert.equal(passed + (summary.attributes[BURST_ATTRIBUTES.suppressedCount] as number), 50);
    assert.equal(logging.stats().dropped.burst, 50 - passed);
    await logging.shutdown();
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
