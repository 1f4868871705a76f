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
/** The rule name of every record when no sampling is configured. */
export const UNSAMPLED_RULE = 'default';
/** The rule name of burst summary records. */
export const BURST_SUMMARY_RULE = 'burst_summary';
