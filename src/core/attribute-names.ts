/** Attribute that carries the request id on every record emitted inside a request. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

/**
 * Attributes on records that a probability rule kept, so a backend can estimate totals. The
 * `sampling.*` names are the ones the Collector's probabilistic sampler reads and writes on log
 * records, so a downstream Collector in proportional mode continues from logweave's threshold.
 */
export const SAMPLING_ATTRIBUTES = {
  /** The rejection threshold in `th` encoding (`e666` for p = 0.1). Collector name. */
  threshold: 'sampling.threshold',
  /** The 56-bit randomness in `rv` encoding, written when it did not come from the trace id. Collector name. */
  randomness: 'sampling.randomness',
  /** 1 / probability: how many records this one stands for. */
  adjustedCount: 'sampling.adjusted_count',
  /** The rule that kept the record (`payments.info`), or `error_buffer` for a failed request's story. */
  rule: 'logweave.sampling.rule',
} as const;

/** The rule name of records kept because their request failed. */
export const ERROR_BUFFER_RULE = 'error_buffer';

/**
 * Why a record sampling had dropped is kept after all, as `logweave.sampling.rule` says it:
 * its request failed (`error_buffer`), a service it called answered failed (`upstream_failure`),
 * a failure was reported after the request had ended (`late_release`), or the request asked
 * for everything with a signed keep signal (`forced`).
 */
export const RELEASE_RULES = {
  errorBuffer: ERROR_BUFFER_RULE,
  upstreamFailure: 'upstream_failure',
  lateRelease: 'late_release',
  forced: 'forced',
} as const;

/** One of `RELEASE_RULES`. */
export type ReleaseRule = (typeof RELEASE_RULES)[keyof typeof RELEASE_RULES];
/** The rule name of every record when no sampling is configured. */
export const UNSAMPLED_RULE = 'default';
/** The rule name of burst summary records. */
export const BURST_SUMMARY_RULE = 'burst_summary';

/** Attributes of a burst summary record. */
export const BURST_ATTRIBUTES = {
  suppressedCount: 'logweave.burst.suppressed_count',
  firstTimestamp: 'logweave.burst.first_timestamp',
  lastTimestamp: 'logweave.burst.last_timestamp',
  template: 'logweave.burst.template',
  limit: 'logweave.burst.limit_per_second',
} as const;
