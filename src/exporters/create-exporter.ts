import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import { LogweaveConfigError } from '../config/logweave-config-error.ts';
import type { DiagnosticReporter } from '../diagnostics/diagnostic-reporter.ts';
import type { LoggingStats } from '../processors/logging-stats.ts';
import { ConsoleLineExporter } from './console-exporter.ts';
import { DiskSpool } from './disk-spool.ts';
import { DeliveryReport } from './delivery-report.ts';
import { DurableOtlpExporter } from './durable-otlp-exporter.ts';
import { OtlpJsonFileExporter } from './file-exporter.ts';
import { ReportingExporter } from './reporting-exporter.ts';

/** The exporter of a pipeline and the handles the lifecycle code needs. */
export interface ExporterSetup {
  exporter: LogRecordExporter;
  /** Makes exports give up (and spool) `millis` from now until the returned release is called. */
  hurry(millis: number): () => void;
  /** Synchronously keeps records that would be lost because the process exits now. */
  keepAtExit(pending: ReadableLogRecord[]): void;
}

/** The exporter for the resolved options, wrapped for counting; undefined for `none`. */
export function createExporter(
  options: ResolvedOptions,
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
): ExporterSetup | undefined {
  const exporter = options.exporter;
  if (exporter === 'none') return undefined;
  if (exporter === 'otlp') return createOtlpSetup(options, stats, diagnostics);
  let inner: LogRecordExporter;
  let destination: string;
  if (typeof exporter !== 'string') {
    inner = exporter;
    destination = `the configured exporter (${exporter.constructor.name})`;
  } else if (exporter === 'console') {
    inner = new ConsoleLineExporter();
    destination = 'stdout';
  } else {
    inner = new OtlpJsonFileExporter(options.file);
    destination = `the file ${options.file.path}`;
  }
  const reporting = new ReportingExporter({ inner, stats, diagnostics, destination });
  return {
    exporter: reporting,
    hurry: () => () => undefined,
    keepAtExit(pending) {
      if (pending.length === 0) return;
      // The file and console sinks write synchronously, so what is queued can still be written.
      if (exporter === 'file' || exporter === 'console') reporting.export(pending, () => undefined);
      else
        reporting.report.dropped('shutdown', pending.length, 'the process exited before they were exported');
    },
  };
}

function createOtlpSetup(
  options: ResolvedOptions,
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
): ExporterSetup {
  const destination = `the OTLP endpoint ${options.otlp.url} (${options.otlp.protocol})`;
  const report = new DeliveryReport({ stats, diagnostics, destination, spoolDir: options.delivery.spoolDir });
  const spool = createSpool(options, report);
  const durable = new DurableOtlpExporter({
    otlp: options.otlp,
    delivery: options.delivery,
    listener: report,
    ...(spool === undefined ? {} : { spool }),
  });
  return {
    exporter: new ReportingExporter({ inner: durable, stats, diagnostics, destination, report }),
    hurry: (millis) => durable.hurry(millis),
    keepAtExit: (pending) => durable.keepAtExit(pending),
  };
}

function createSpool(options: ResolvedOptions, report: DeliveryReport): DiskSpool | undefined {
  const dir = options.delivery.spoolDir;
  if (dir === undefined) return undefined;
  const maxBytes = options.delivery.spoolMaxBytes;
  try {
    return new DiskSpool({
      dir,
      maxBytes,
      events: {
        evicted: (records, bytes) =>
          report.dropped(
            'spool_full',
            records,
            `the spool ${dir} reached delivery.spoolMaxBytes (${maxBytes}); its oldest ${bytes} bytes were removed`,
          ),
        damaged: (records, bytes, segment) =>
          report.dropped(
            'spool_corrupt',
            records,
            `${bytes} bytes at the end of spool segment ${segment} were torn or damaged (a crash mid-write) and are skipped`,
          ),
      },
    });
  } catch (error) {
    throw new LogweaveConfigError('delivery.spoolDir', 'a directory logweave can create and write', dir, {
      cause: error,
    });
  }
}
