/**
 * The `delivery` section: what happens when the Collector cannot take records, and how the
 * process ends. See the README's "Delivery" section.
 */
export interface DeliveryOptions {
  /**
   * Directory of the durable spool. A batch that still fails after the exporter's retries
   * (network error, 429/502/503/504, timeout) is written here and replayed in order when the
   * endpoint answers again and at the next start. Absent means no spool: such batches are
   * dropped and counted as `export_failed`. Several processes may share one directory.
   * Env: `LOGWEAVE_SPOOL_DIR`. Default: none (no spool).
   */
  spoolDir?: string;
  /**
   * Most bytes the spool holds (per process). When a new batch would pass it, the oldest
   * spooled data is removed and counted as `spool_full`.
   * Env: `LOGWEAVE_SPOOL_MAX_BYTES`. Default: 104857600 (100 MiB).
   */
  spoolMaxBytes?: number;
  /**
   * First wait before the spool is offered to the endpoint again after a failure; doubled after
   * each failed attempt up to `replayMaxBackoffMillis`. A `Retry-After` answer wins.
   * Env: `LOGWEAVE_SPOOL_REPLAY_BACKOFF`. Default: 1000 ms.
   */
  replayInitialBackoffMillis?: number;
  /** Longest wait between two replay attempts. Env: `LOGWEAVE_SPOOL_REPLAY_MAX_BACKOFF`. Default: 5000 ms. */
  replayMaxBackoffMillis?: number;
  /**
   * On an uncaught exception or unhandled rejection that would end the process, log it as FATAL
   * (module `process`), flush within `shutdownTimeoutMillis`, then let the process die exactly
   * as it would have (same message on stderr, exit code 1). Does nothing when the application
   * has its own `uncaughtException` listener.
   * Env: `LOGWEAVE_HANDLE_UNCAUGHT`. Default: true.
   */
  handleUncaughtErrors?: boolean;
}
