import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { LoggingStats } from '../core/stats.ts';
import type { SelfReportingExporter } from './delivery-listener.ts';
import { DeliveryReport } from './delivery-report.ts';

/**
 * Outermost exporter wrapper: counts delivered records, counts every record of a failed batch
 * as `export_failed`, and says on stderr (rate-limited) where it tried and how to point it
 * elsewhere. It never throws and always calls back.
 *
 * An inner exporter that settles records itself (spooled, rejected, partial success) reports
 * them through the shared `DeliveryReport`; its callback is then not counted a second time.
 */
export class ReportingExporter implements LogRecordExporter {
  readonly #inner: LogRecordExporter;
  readonly #innerReports: boolean;
  readonly report: DeliveryReport;
  /** Batches handed to the inner exporter and not called back yet, with the SDK's callback. */
  readonly #inFlight = new Map<ReadableLogRecord[], (result: ExportResult) => void>();
  /** Records counted by `abandon()`: their late outcome is not counted again. */
  readonly #abandoned = new WeakSet<ReadableLogRecord>();
  #anyAbandoned = false;
  /** Set by `abandon()`: later batches are counted and failed without reaching the inner exporter. */
  #closed = false;
  /** In-flight batches abandon() answered for: the inner exporter's late answer is not passed on. */
  readonly #answered = new WeakSet<ReadableLogRecord[]>();

  constructor(options: {
    inner: LogRecordExporter;
    stats: LoggingStats;
    diagnostics: DiagnosticReporter;
    /** Human description of where records go, e.g. `the OTLP endpoint http://localhost:4318/v1/logs`. */
    destination: string;
    /** The report the inner exporter already uses, when it reports its own outcomes. */
    report?: DeliveryReport;
  }) {
    this.#inner = options.inner;
    this.#innerReports = (options.inner as Partial<SelfReportingExporter>).reportsOwnOutcomes === true;
    this.report = options.report ?? new DeliveryReport(options);
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.#closed) {
      // After abandon() the batch processor may still hand over what was queued: it was counted
      // already, and an inner exporter that hangs must not keep the process alive for it.
      const count = this.#countable(logs);
      if (count > 0)
        this.report.dropped('shutdown_timeout', count, 'the process ended before they were exported');
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('logweave is shut down') });
      return;
    }
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      this.#inFlight.delete(logs);
      // abandon() already answered the batch processor for this batch.
      if (this.#answered.has(logs)) return;
      if (!this.#innerReports) {
        const count = this.#countable(logs);
        if (result.code === ExportResultCode.SUCCESS) this.report.delivered(count);
        else if (count > 0)
          this.report.dropped('export_failed', count, result.error?.message ?? 'unknown error');
      }
      resultCallback(result);
    };
    if (!this.#innerReports) this.#inFlight.set(logs, resultCallback);
    try {
      this.#inner.export(logs, done);
    } catch (error) {
      if (called) return;
      called = true;
      this.#inFlight.delete(logs);
      this.report.dropped(
        'export_failed',
        this.#countable(logs),
        error instanceof Error ? error.message : String(error),
      );
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /**
   * The process is ending (or `shutdown()` ran out of time): counts `pending` and every batch the
   * inner exporter has not answered as `shutdown_timeout`. An answer that still comes is not
   * counted again. For inner exporters that do not report their own outcomes.
   */
  abandon(pending: readonly ReadableLogRecord[]): void {
    this.#closed = true;
    const inFlight = [...this.#inFlight];
    this.#inFlight.clear();
    for (const logs of [...inFlight.map(([batch]) => batch), pending]) {
      const count = this.#countable(logs);
      for (const record of logs) this.#abandoned.add(record);
      this.#anyAbandoned = true;
      if (count > 0)
        this.report.dropped('shutdown_timeout', count, 'the process ended before they were exported');
    }
    // Answer the batch processor for the inner exporter: it stops waiting (and its export
    // timer no longer holds the event loop open) while the inner export may still be running.
    for (const [batch, resultCallback] of inFlight) {
      this.#answered.add(batch);
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('abandoned at shutdown') });
    }
  }

  /** Records of `logs` not already counted by `abandon()`. */
  #countable(logs: readonly ReadableLogRecord[]): number {
    if (!this.#anyAbandoned) return logs.length;
    let count = 0;
    for (const record of logs) if (!this.#abandoned.has(record)) count++;
    return count;
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
