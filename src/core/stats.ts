/**
 * Why a record was not delivered. Every drop in logweave is counted under one of these
 * reasons (and reported through the rate-limited diagnostic where it means data loss).
 */
export type DropReason =
  /** Sampling decided against it (a probability rule; also counted when `enabled()` drops it before it exists). */
  | 'sampled_out'
  /** WARN from a module not on the allow-list, at probability 0. */
  | 'not_allowlisted'
  /** Suppressed by the per-template burst limit (a summary record is emitted instead). */
  | 'burst'
  /** The error buffer overflowed: per-request count or bytes, or all requests' bytes (`sampling.errorBuffer`). */
  | 'buffer_overflow'
  /** Held for a request that did not end within `sampling.errorBuffer.maxAgeMillis`. */
  | 'expired'
  /** The batch processor's queue was full (`OTEL_BLRP_MAX_QUEUE_SIZE`). */
  | 'queue_full'
  /** The stream exporter's backlog was full: the stream's reader (stdout's container runtime) did not keep up. */
  | 'stream_full'
  /** The exporter failed and the record could not be kept anywhere (no spool, or spool unusable). */
  | 'export_failed'
  /** The spool was full; its oldest data was dropped. */
  | 'spool_full'
  /** A spooled batch was found torn or damaged (a crash mid-write); it is skipped, never sent. */
  | 'spool_corrupt'
  /** The receiver rejected the batch with a non-retryable status (400 and other 4xx but 429). */
  | 'rejected'
  /** The receiver accepted the batch but reported some records as rejected. */
  | 'partial_success'
  /**
   * Handed to the exporter after it was shut down. (Records emitted after `shutdown()` never enter
   * the pipeline: the SDK's logger refuses them, so they are neither emitted nor dropped.)
   */
  | 'shutdown'
  /**
   * Abandoned at the end: still queued or being sent when the shutdown budget
   * (`shutdownTimeoutMillis`) ran out or the process exited (`process.exit()`, a signal, a fatal
   * error), with no spool to keep them. With a spool such records are spooled instead.
   */
  | 'shutdown_timeout';

/** A point-in-time copy of the counters; safe to serialise. */
export interface StatsSnapshot {
  /** Records that entered the pipeline (after the level gate). */
  emitted: number;
  /** Records passed to the exporter stage, by the rule that kept them (`default`, `payments.info`, `error_buffer`, …). */
  kept: Record<string, number>;
  /** Records dropped, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Records the exporter confirmed as delivered. */
  exported: number;
  /** Secrets replaced by the redaction stage (values, not records). */
  redacted: number;
  /** Records written to the durable spool (delivered later, when replayed, and then counted in `exported`). */
  spooled: number;
  /**
   * Records the error buffer holds now (of running requests, and of ended ones within the grace
   * period): each will be counted as kept if its request or trace fails, else as the drop its rule made.
   */
  held: number;
  /**
   * Records that left the spool: delivered from it (also counted in `exported`), or given up there
   * (`spool_full`, `spool_corrupt`, `rejected` on replay, also counted in `dropped`); including
   * what an earlier run left. Once `shutdown()` resolved,
   * `emitted = exported + Σ dropped + spooled − unspooled`.
   */
  unspooled: number;
}

/**
 * Counters shared by every stage of one pipeline. Plain integer adds on the hot path; the
 * snapshot is built only when asked for.
 */
export class LoggingStats {
  #emitted = 0;
  #exported = 0;
  #redacted = 0;
  #spooled = 0;
  #held = 0;
  #unspooled = 0;
  readonly #kept = new Map<string, number>();
  readonly #dropped = new Map<DropReason, number>();
  readonly #dropListeners: Array<(reason: DropReason, count: number) => void> = [];

  recordEmitted(count = 1): void {
    this.#emitted += count;
  }

  recordKept(rule: string, count = 1): void {
    this.#kept.set(rule, (this.#kept.get(rule) ?? 0) + count);
  }

  recordDropped(reason: DropReason, count = 1): void {
    if (count <= 0) return;
    this.#dropped.set(reason, (this.#dropped.get(reason) ?? 0) + count);
    for (const listener of this.#dropListeners) listener(reason, count);
  }

  recordRedacted(count: number): void {
    this.#redacted += count;
  }

  recordExported(count: number): void {
    this.#exported += count;
  }

  recordSpooled(count: number): void {
    this.#spooled += count;
  }

  /** How many records the error buffer holds now (a gauge, set when stats are read). */
  setHeld(count: number): void {
    this.#held = count;
  }

  recordUnspooled(count: number): void {
    this.#unspooled += count;
  }

  /** Called on every drop; used for diagnostics and metrics. Listeners must not throw. */
  onDrop(listener: (reason: DropReason, count: number) => void): void {
    this.#dropListeners.push(listener);
  }

  droppedCount(reason: DropReason): number {
    return this.#dropped.get(reason) ?? 0;
  }

  snapshot(): StatsSnapshot {
    return {
      emitted: this.#emitted,
      kept: Object.fromEntries(this.#kept),
      dropped: Object.fromEntries(this.#dropped) as Partial<Record<DropReason, number>>,
      exported: this.#exported,
      redacted: this.#redacted,
      spooled: this.#spooled,
      held: this.#held,
      unspooled: this.#unspooled,
    };
  }
}
