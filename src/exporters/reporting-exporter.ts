import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DiagnosticReporter } from '../diagnostics/diagnostic-reporter.ts';
import type { LoggingStats } from '../processors/logging-stats.ts';

/**
 * Outermost exporter wrapper: counts delivered records, counts every record of a failed batch
 * as `export_failed`, and says on stderr (rate-limited) where it tried and how to point it
 * elsewhere. It never throws and always calls back.
 */
export class ReportingExporter implements LogRecordExporter {
  readonly #inner: LogRecordExporter;
  readonly #stats: LoggingStats;
  readonly #diagnostics: DiagnosticReporter;
  readonly #destination: string;

  constructor(options: {
    inner: LogRecordExporter;
    stats: LoggingStats;
    diagnostics: DiagnosticReporter;
    /** Human description of where records go, e.g. `OTLP http://localhost:4318/v1/logs`. */
    destination: string;
  }) {
    this.#inner = options.inner;
    this.#stats = options.stats;
    this.#diagnostics = options.diagnostics;
    this.#destination = options.destination;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      if (result.code === ExportResultCode.SUCCESS) {
        this.#stats.recordExported(logs.length);
      } else {
        this.#stats.recordDropped('export_failed', logs.length);
        const reason = result.error?.message ?? 'unknown error';
        this.#diagnostics.report(
          'export_failed',
          `could not deliver ${logs.length} log records to ${this.#destination}: ${reason}. ` +
            `${this.#stats.droppedCount('export_failed')} records lost so far. Point logweave elsewhere with ` +
            `OTEL_EXPORTER_OTLP_ENDPOINT, or set OTEL_LOGS_EXPORTER=console|file|none.`,
        );
      }
      resultCallback(result);
    };
    try {
      this.#inner.export(logs, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
