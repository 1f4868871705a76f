import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { LoggingStats } from '../core/stats.ts';
import { ConsoleLineExporter } from './console-exporter.ts';
import { DurableOtlpLogExporter } from './durable-otlp-log-exporter.ts';
import { OtlpJsonFileExporter } from './file-exporter.ts';
import { ReportingExporter } from './reporting-exporter.ts';

/** The exporter of a pipeline and the handles the lifecycle code needs. */
export interface ExporterSetup {
  exporter: LogRecordExporter;
  /** Makes exports give up (and spool) `millis` from now until the returned release is called. */
  hurry(millis: number): () => void;
  /**
   * Synchronously keeps what is still queued (`pending`) or being exported because the process
   * ends now (or `shutdown()` ran out of time): spooled or written, else counted `shutdown_timeout`.
   */
  keepAtExit(pending: ReadableLogRecord[]): void;
  /** Wraps the batch processor (the durable journal of `delivery.durableSeverity` records). */
  wrapQueue(batch: LogRecordProcessor): LogRecordProcessor;
  /** Records waiting in the spool (0 without one). */
  inSpool(): number;
}

/** The exporter the resolved options name, counting into `stats`; undefined for `none`. */
export function createExporter(
  options: ResolvedOptions,
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
): ExporterSetup | undefined {
  const exporter = options.exporter;
  if (exporter === 'none') return undefined;
  if (exporter === 'otlp') {
    const durable = new DurableOtlpLogExporter({ ...options.otlp, ...options.delivery, stats, diagnostics });
    return {
      exporter: durable,
      hurry: (millis) => durable.hurry(millis),
      keepAtExit: (pending) => durable.keepAtExit(pending),
      wrapQueue: (batch) => durable.withJournal(batch),
      inSpool: () => durable.spooledRecords,
    };
  }
  const [inner, destination] =
    typeof exporter !== 'string'
      ? [exporter, `the configured exporter (${exporter.constructor.name})`]
      : exporter === 'console'
        ? [new ConsoleLineExporter(), 'stdout']
        : [new OtlpJsonFileExporter(options.file), `the file ${options.file.path}`];
  const reporting = new ReportingExporter({ inner, stats, diagnostics, destination });
  // The file and console sinks write synchronously, so what is queued at exit can still be written.
  const writesSynchronously = exporter === 'file' || exporter === 'console';
  return {
    exporter: reporting,
    hurry: () => () => undefined,
    keepAtExit(pending) {
      if (writesSynchronously) {
        if (pending.length > 0) reporting.export(pending, () => undefined);
      } else {
        reporting.abandon(pending);
      }
    },
    wrapQueue: (batch) => batch,
    inSpool: () => 0,
  };
}
