import { join } from 'node:path';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import { LogweaveConfigError } from '../config/logweave-config-error.ts';
import type { DiagnosticReporter } from '../diagnostics/diagnostic-reporter.ts';
import type { LoggingStats } from '../processors/logging-stats.ts';
import { ConsoleLineExporter } from './console-exporter.ts';
import { DiskSpool, moveLeftoverSegments } from './disk-spool.ts';
import { DeliveryReport } from './delivery-report.ts';
import { DurableJournal } from './durable-journal.ts';
import { DurableOtlpExporter } from './durable-otlp-exporter.ts';
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
      // The file and console sinks write synchronously, so what is queued can still be written.
      if (exporter === 'file' || exporter === 'console') {
        if (pending.length > 0) reporting.export(pending, () => undefined);
      } else {
        reporting.abandon(pending);
      }
    },
    wrapQueue: (batch) => batch,
    inSpool: () => 0,
  };
}

function createOtlpSetup(
  options: ResolvedOptions,
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
): ExporterSetup {
  const destination = `the OTLP endpoint ${options.otlp.url} (${options.otlp.protocol})`;
  const report = new DeliveryReport({ stats, diagnostics, destination, spoolDir: options.delivery.spoolDir });
  const durableSeverity = options.delivery.durableSeverity;
  const spoolDir = options.delivery.spoolDir;
  const journalDir = spoolDir === undefined ? undefined : join(spoolDir, 'journal');
  // What a killed process journaled joins the spool before the spool adopts its leftovers (also
  // when this run journals nothing itself).
  if (journalDir !== undefined) moveLeftoverSegments(journalDir, spoolDir!);
  const spool = spoolDir === undefined ? undefined : createSpool(spoolDir, options, report);
  const journal =
    journalDir === undefined || durableSeverity === 'off'
      ? undefined
      : new DurableJournal({
          spool: createJournalSpool(journalDir, options, report, diagnostics),
          json: options.otlp.protocol === 'http/json',
          fsync: options.delivery.durableFsync,
          severity: durableSeverity,
          stats,
          onWriteFailed: (reason) =>
            diagnostics.report(
              'journal_write',
              `a ${durableSeverity.toUpperCase()}+ record was not written ahead to the journal: ${reason}. ` +
                'It is still delivered as usual, but a crash before then would lose it.',
            ),
        });
  const durable = new DurableOtlpExporter({
    otlp: options.otlp,
    delivery: options.delivery,
    listener: report,
    ...(spool === undefined ? {} : { spool }),
    ...(journal === undefined ? {} : { journal }),
  });
  return {
    exporter: new ReportingExporter({ inner: durable, stats, diagnostics, destination, report }),
    hurry: (millis) => durable.hurry(millis),
    keepAtExit: (pending) => durable.keepAtExit(pending),
    wrapQueue: (batch) => journal?.track(batch) ?? batch,
    inSpool: () => spool?.pendingRecords ?? 0,
  };
}

function createSpool(dir: string, options: ResolvedOptions, report: DeliveryReport): DiskSpool {
  const maxBytes = options.delivery.spoolMaxBytes;
  return openSpool(dir, 'delivery.spoolDir', maxBytes, {
    // Evicted or damaged records leave the spool as lost (`unspooled` keeps the balance).
    evicted: (records, bytes) => {
      report.dropped(
        'spool_full',
        records,
        `the spool ${dir} reached delivery.spoolMaxBytes (${maxBytes}); its oldest ${bytes} bytes were removed`,
      );
      report.unspooled(records);
    },
    damaged: (records, bytes, segment) => {
      report.dropped(
        'spool_corrupt',
        records,
        `${bytes} bytes at the end of spool segment ${segment} were torn or damaged (a crash mid-write) and are skipped`,
      );
      report.unspooled(records);
    },
  });
}

/** The journal holds copies of records that are still in memory: losing a copy loses no record. */
function createJournalSpool(
  dir: string,
  options: ResolvedOptions,
  report: DeliveryReport,
  diagnostics: DiagnosticReporter,
): DiskSpool {
  const maxBytes = options.delivery.spoolMaxBytes;
  return openSpool(dir, 'delivery.spoolDir', maxBytes, {
    evicted: (records, bytes) =>
      diagnostics.report(
        'journal_full',
        `the journal ${dir} reached delivery.spoolMaxBytes (${maxBytes}); the write-ahead copies of its ` +
          `oldest ${records} records (${bytes} bytes) were removed. The records are still delivered as usual.`,
      ),
    damaged: (records, bytes, segment) => {
      report.dropped(
        'spool_corrupt',
        records,
        `${bytes} bytes at the end of journal segment ${segment} were torn or damaged (a crash mid-write) and are skipped`,
      );
      report.unspooled(records);
    },
  });
}

function openSpool(
  dir: string,
  path: string,
  maxBytes: number,
  events: ConstructorParameters<typeof DiskSpool>[0]['events'],
): DiskSpool {
  try {
    return new DiskSpool({ dir, maxBytes, events });
  } catch (error) {
    throw new LogweaveConfigError(path, 'a directory logweave can create and write', dir, { cause: error });
  }
}
