/** Metric and attribute names of logweave's own counters (see `registerStatsMetrics`). */
export const STATS_METRICS = {
  emitted: 'logweave.log_records.emitted',
  kept: 'logweave.log_records.kept',
  dropped: 'logweave.log_records.dropped',
  exported: 'logweave.log_records.exported',
  ruleAttribute: 'logweave.sampling.rule',
  reasonAttribute: 'logweave.drop.reason',
} as const;
