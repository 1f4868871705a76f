import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ExporterName } from '../config/logging-options.ts';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { LoggingStats } from '../core/stats.ts';
import { ConsoleLineExporter } from './console-exporter.ts';
import { DurableOtlpLogExporter } from './durable-otlp-log-exporter.ts';
import { OtlpJsonFileExporter } from './file-exporter.ts';
import { OtlpJsonStreamExporter } from './otlp-json-stream-exporter.ts';
import { DeliveryReport } from './delivery-report.ts';
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
  // A list of names is split by `createExporters` into one call per name.
  const exporter = options.exporter as ExporterName | LogRecordExporter;
  if (exporter === 'none') return undefined;
  if (exporter === 'otlp') {
    const durable = new DurableOtlpLogExporter({
      ...options.otlp,
      ...options.delivery,
      ...(options.otlpHeaderProvider === undefined ? {} : { headers: options.otlpHeaderProvider }),
      staticHeaders: options.otlp.headers,
      tls: options.otlpTls,
      stats,
      diagnostics,
    });
    return {
      exporter: durable,
      hurry: (millis) => durable.hurry(millis),
      keepAtExit: (pending) => durable.keepAtExit(pending),
      wrapQueue: (batch) => durable.withJournal(batch),
      inSpool: () => durable.spooledRecords,
    };
  }
  if (exporter === 'otlp/stdout') return createStdoutSetup(stats, diagnostics);
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

/** `otlp/stdout`: OTLP JSON lines on stdout; at exit the backlog is written out at once. */
function createStdoutSetup(stats: LoggingStats, diagnostics: DiagnosticReporter): ExporterSetup {
  const destination = 'stdout (OTLP JSON lines)';
  const report = new DeliveryReport({ stats, diagnostics, destination });
  const stream = new OtlpJsonStreamExporter({ listener: report });
  const reporting = new ReportingExporter({ inner: stream, stats, diagnostics, destination, report });
  return {
    exporter: reporting,
    hurry: () => () => undefined,
    keepAtExit(pending) {
      if (pending.length > 0) reporting.export(pending, () => undefined);
      stream.writeBacklogNow();
    },
    wrapQueue: (batch) => batch,
    inSpool: () => 0,
  };
}
