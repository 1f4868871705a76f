/**
 * Keep-probabilities (0..1) per severity below ERROR. ERROR and FATAL are always kept: no
 * configuration can drop them. A severity a rule does not name is inherited (see `modules`).
 */
export interface SeverityProbabilities {
  /** Default (in `default`): 1. */
  trace?: number;
  /** Default (in `default`): 1. */
  debug?: number;
  /** Default (in `default`): 1. */
  info?: number;
  /** WARN records of modules or event names on `warnAllowlist` are kept whatever this says. Default (in `default`): 0. */
  warn?: number;
}

/** The per-request buffer that keeps the whole story of failed requests. */
export interface ErrorBufferOptions {
  /** Records held per request; past it the oldest goes (counted `buffer_overflow`). 0 turns the buffer off. Default: 200. */
  maxRecords?: number;
  /** Approximate bytes held per request (body and attribute text plus 256 per record). Default: 262144 (256 KiB). */
  maxBytes?: number;
  /** Approximate bytes held across all requests; past it the oldest request's oldest records go first. Default: 16777216 (16 MiB). */
  maxTotalBytes?: number;
  /** A request that has not ended after this long has its held records dropped (counted `expired`). Default: 300000 (Node's `server.requestTimeout`). */
  maxAgeMillis?: number;
  /**
   * How long the held records of a request that ended without failing stay releasable (0 to
   * 600000): a failure reported later — a caller's retry gave up, a sibling call failed, a
   * signed release call, `markRequestFailed(request)` from a queue consumer — still keeps them
   * (`logweave.sampling.rule=late_release`). They count against `maxTotalBytes`, and go first
   * when it is reached. Default: 10000.
   */
  graceMillis?: number;
}

/** Burst limiting: a token bucket per (module, message template). */
export interface BurstOptions {
  /** Records per second (and at once) each template may pass; the rest are counted `burst` and summarised. Default: 100. */
  perTemplatePerSecond?: number;
}

/**
 * The `sampling` section. Absent means every record is kept. Present, it applies
 * `default` (built-in: trace, debug, info 1; warn 0) with per-module overrides.
 *
 * @example
 * sampling: {
 *   default: { debug: 0, info: 0.1, warn: 0 },
 *   warnAllowlist: ['payments', 'auth.*'],
 *   modules: { payments: { info: 1 }, 'payments.webhooks': { debug: 0.01 }, healthcheck: { info: 0 } },
 *   errorBuffer: { maxRecords: 200, maxBytes: 262144 },
 *   burst: { perTemplatePerSecond: 100 },
 * }
 */
export interface SamplingOptions {
  /** Probabilities for severities no module rule names. Default: trace, debug, info 1; warn 0. */
  default?: SeverityProbabilities;
  /** Modules (dotted, inherited by sub-modules, `*` segments allowed) or event names whose WARN records are always kept. Default: none. */
  warnAllowlist?: string[];
  /**
   * Per-module overrides keyed by dotted module name (the OTel instrumentation scope name);
   * `payments.stripe` inherits each severity it does not name from `payments`, then `default`.
   * A `*` segment matches any one segment (`auth.*`, `*.webhooks`). Default: none.
   */
  modules?: Record<string, SeverityProbabilities>;
  /** Hold records sampling dropped per request and keep them if the request fails. Off unless given. */
  errorBuffer?: ErrorBufferOptions;
  /** Summarise bursts of one message template. Off unless given. */
  burst?: BurstOptions;
  /**
   * Follow the tracer (the OTel logger option `trace_based`): a record of a trace whose sampled
   * flag is set is kept, of one whose flag is clear is dropped (held, with the error buffer), in
   * place of the probability rules; rules at 0 and 1, the WARN allow-list and ERROR/FATAL (always
   * kept) still apply, and records outside any trace use the probability rules. Default: false.
   */
  traceBased?: boolean;
}
