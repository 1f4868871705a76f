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
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      if (!this.#innerReports) {
        if (result.code === ExportResultCode.SUCCESS) this.report.delivered(logs.length);
        else this.report.dropped('export_failed', logs.length, result.error?.message ?? 'unknown error');
      }
      resultCallback(result);
    };
    try {
      this.#inner.export(logs, done);
    } catch (error) {
      if (called) return;
      called = true;
      this.report.dropped(
        'export_failed',
        logs.length,
        error instanceof Error ? error.message : String(error),
      );
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
