import type { SeverityName } from '../core/severity.ts';

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
   * With a spool: how long one export may hold the batch queue. A request not answered by then
   * is written to the spool and the queue moves on, while the request goes on (within
   * `otlp.timeoutMillis`): an answer that comes later marks the spooled copy delivered, so it is
   * not sent twice. The default is half the time the default queue (2,048 records) takes to fill
   * at 2,000 records/s once a 512-record batch left it, and many times what a healthy Collector
   * takes to answer. No effect without a spool (the export then holds the queue up to
   * `otlp.timeoutMillis`). Env: `LOGWEAVE_EXPORT_DEADLINE`. Default: 500 ms.
   */
  exportDeadlineMillis?: number;
  /**
   * Records at this severity or above are also written to the spool before `emit()` returns
   * (an append to the page cache; see `durableFsync`), so a `kill -9` or a crash loses none of
   * them; the copy is marked delivered once the batch carrying the record was delivered, spooled
   * or counted. `trace` keeps every record that way, `off` none. Needs `spoolDir`.
   * Env: `LOGWEAVE_DURABLE_SEVERITY`. Default: `off`.
   */
  durableSeverity?: SeverityName | 'off';
  /**
   * Also `fdatasync` each record written for `durableSeverity`, so it survives a power loss too
   * (costs a device flush per record). Env: `LOGWEAVE_DURABLE_FSYNC`. Default: false.
   */
  durableFsync?: boolean;
  /**
   * On an uncaught exception or unhandled rejection that would end the process, log it as FATAL
   * (module `process`), flush within `shutdownTimeoutMillis`, then let the process die exactly
   * as it would have (same message on stderr, exit code 1). Does nothing when the application
   * has its own `uncaughtException` listener.
   * Env: `LOGWEAVE_HANDLE_UNCAUGHT`. Default: true.
   */
  handleUncaughtErrors?: boolean;
}
