import type { MeterProvider } from '@opentelemetry/api';
import { STATS_METRICS } from '../core/metric-names.ts';
import type { StatsSnapshot } from '../core/stats.ts';

/**
 * Publishes `logging.stats()` as cumulative OTel counters, read when the MeterProvider collects
 * (one snapshot per collection, nothing on the logging hot path):
 * `logweave.log_records.emitted`, `.kept` by `logweave.sampling.rule`, `.dropped` by
 * `logweave.drop.reason`, `.exported`.
 * @returns a function that stops publishing.
 */
export function registerStatsMetrics(meterProvider: MeterProvider, read: () => StatsSnapshot): () => void {
  const meter = meterProvider.getMeter('logweave');
  const unit = '{log_record}';
  const emitted = meter.createObservableCounter(STATS_METRICS.emitted, {
    unit,
    description: 'Log records that entered the pipeline after the level gate',
  });
  const kept = meter.createObservableCounter(STATS_METRICS.kept, {
    unit,
    description: 'Log records the sampling policy kept, by rule',
  });
  const dropped = meter.createObservableCounter(STATS_METRICS.dropped, {
    unit,
    description: 'Log records dropped, by reason',
  });
  const exported = meter.createObservableCounter(STATS_METRICS.exported, {
    unit,
    description: 'Log records the exporter confirmed',
  });
  const observe = (result: Parameters<Parameters<typeof meter.addBatchObservableCallback>[0]>[0]): void => {
    const snapshot = read();
    result.observe(emitted, snapshot.emitted);
    result.observe(exported, snapshot.exported);
    for (const [rule, count] of Object.entries(snapshot.kept)) {
      result.observe(kept, count, { [STATS_METRICS.ruleAttribute]: rule });
    }
    for (const [reason, count] of Object.entries(snapshot.dropped)) {
      if (count !== undefined) result.observe(dropped, count, { [STATS_METRICS.reasonAttribute]: reason });
    }
  };
  const observables = [emitted, kept, dropped, exported];
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}
