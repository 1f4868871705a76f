/** Attribute that carries the request id on every record emitted inside a request. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

/**
 * Attributes logweave writes about sampling. The two `sampling.*` ones are those the Collector's
 * probabilistic sampler reads (and updates) on log records in `proportional` and `equalizing`
 * mode, so a downstream Collector continues from logweave's decision.
 *
 * There is no adjusted-count attribute: the Collector would leave one stale after sampling again.
 * The adjusted count (how many records a kept one stands for) follows from the threshold T
 * (`sampling.threshold` as a 56-bit integer, the hex digits padded with zeros to 14):
 * 2^56 / (2^56 - T); a record without `sampling.threshold` stands for itself.
 */
export const SAMPLING_ATTRIBUTES = {
  /**
   * The rejection threshold in `th` encoding (`e666` for p = 0.1), on records a probability below
   * 1 kept. Read and raised by the Collector's sampler.
   */
  threshold: 'sampling.threshold',
  /**
   * The 56-bit randomness in `rv` encoding. On every record whose trace has an explicit `rv` in its
   * tracestate, whatever kept it (the Collector does not see a log record's tracestate); with a
   * sampling policy also on every record passed on whose randomness is the request id's hash or
   * the seeded sequence. Read by the Collector's sampler.
   */
  randomness: 'sampling.randomness',
  /** The rule that kept the record (`payments.info`), or `error_buffer` for a failed request's story. logweave's own. */
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
