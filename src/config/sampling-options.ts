/** Keep-probabilities (0..1) per severity below ERROR. ERROR and FATAL are always kept. */
export interface SeverityProbabilities {
  trace?: number;
  debug?: number;
  info?: number;
  /** WARN records of modules on `warnAllowlist` are kept whatever this says. */
  warn?: number;
}

/** The `sampling` section. Absent means every record is kept. */
export interface SamplingOptions {
  /** Probabilities for modules no rule names. Default: every probability 1. */
  default?: SeverityProbabilities;
  /** Modules (or event names), dotted, `*` wildcards allowed, whose WARN records are always kept. Default: none. */
  warnAllowlist?: string[];
  /** Per-module overrides keyed by dotted module name; `payments.stripe` inherits from `payments`. */
  modules?: Record<string, SeverityProbabilities>;
  /** Per-request buffer of sampled-out records, flushed when the request fails. */
  errorBuffer?: { maxRecords?: number; maxBytes?: number };
  /** Token bucket per (module, message template). */
  burst?: { perTemplatePerSecond?: number };
}
