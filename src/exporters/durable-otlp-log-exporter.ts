import { join } from 'node:path';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DeliveryOptions } from '../config/delivery-options.ts';
import type { OtlpOptions } from '../config/logging-options.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import { readTlsFiles, type TlsMaterial } from '../config/read-tls-files.ts';
import { DEFAULT_GRPC_URL, DEFAULTS } from '../core/defaults.ts';
import { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { LoggingStats } from '../core/stats.ts';
import { DeliveryReport } from './delivery-report.ts';
import { createOtlpSender } from './create-otlp-sender.ts';
import { DiskSpool, moveLeftoverSegments } from './disk-spool.ts';
import { DurableJournal } from './durable-journal.ts';
import { DurableOtlpExporter } from './durable-otlp-exporter.ts';
import { ReportingExporter } from './reporting-exporter.ts';

/** Options of `DurableOtlpLogExporter`: the `otlp` section and the spool settings of `delivery`. */
export interface DurableOtlpLogExporterOptions
  extends OtlpOptions, Omit<DeliveryOptions, 'handleUncaughtErrors'> {
  /** Counts delivered, spooled and dropped records by reason. Default: a stats object of its own. */
  stats?: LoggingStats;
  /** Says on stderr (rate-limited) what failed and how to point logweave elsewhere. Default: one writing to stderr. */
  diagnostics?: DiagnosticReporter;
  /** @internal Headers sent under a `headers` function (`createLogging()`'s env and file headers). */
  staticHeaders?: Record<string, string>;
  /** @internal TLS material already read (`createLogging()` reads the files with its env rules). */
  tls?: TlsMaterial;
}

/**
 * logweave's OTLP/HTTP log exporter, usable wherever the SDK takes a `LogRecordExporter`
 * (`new BatchLogRecordProcessor({ exporter: new DurableOtlpLogExporter({ spoolDir }) })`). It sends
 * with the official serializers, retries what OTLP says is retryable, splits on 413, counts partial
 * success, and with `spoolDir` keeps every batch the endpoint does not take (or does not answer
 * within `exportDeadlineMillis`) on disk until it answers again, also across restarts. Every record
 * ends up delivered, spooled, or counted as dropped with its reason in `stats`. Options are used as
 * given (defaults from `DEFAULTS`); `createLogging()` is what reads `OTEL_EXPORTER_OTLP_*`.
 *
 * @example
 * const exporter = new DurableOtlpLogExporter({ url: 'http://collector:4318/v1/logs', spoolDir: '/var/lib/app/spool' });
 * const batch = exporter.withJournal(new BatchLogRecordProcessor({ exporter }));
 */
export class DurableOtlpLogExporter implements LogRecordExporter {
  readonly stats: LoggingStats;
  readonly #durable: DurableOtlpExporter;
  readonly #reporting: ReportingExporter;
  readonly #spool: DiskSpool | undefined;
  readonly #journal: DurableJournal | undefined;

  constructor(options: DurableOtlpLogExporterOptions = {}) {
    this.stats = options.stats ?? new LoggingStats();
    const diagnostics = options.diagnostics ?? new DiagnosticReporter();
    const protocol = options.protocol ?? DEFAULTS.otlp.protocol;
    const headerProvider = typeof options.headers === 'function' ? options.headers : undefined;
    const otlp = {
      url: options.url ?? (protocol === 'grpc' ? DEFAULT_GRPC_URL : DEFAULTS.otlp.url),
      protocol,
      headers: typeof options.headers === 'object' ? options.headers : (options.staticHeaders ?? {}),
      timeoutMillis: options.timeoutMillis ?? DEFAULTS.otlp.timeoutMillis,
      compression: options.compression ?? DEFAULTS.otlp.compression,
    };
    const tls = options.tls ?? readTlsFiles(tlsFilesOf(options), []);
    const sender = createOtlpSender({ ...otlp, headerProvider, tls });
    const { spoolDir } = options;
    const delivery = {
      spoolMaxBytes: options.spoolMaxBytes ?? DEFAULTS.delivery.spoolMaxBytes,
      replayInitialBackoffMillis:
        options.replayInitialBackoffMillis ?? DEFAULTS.delivery.replayInitialBackoffMillis,
      replayMaxBackoffMillis: options.replayMaxBackoffMillis ?? DEFAULTS.delivery.replayMaxBackoffMillis,
      exportDeadlineMillis: options.exportDeadlineMillis ?? DEFAULTS.delivery.exportDeadlineMillis,
      durableSeverity: options.durableSeverity ?? DEFAULTS.delivery.durableSeverity,
      durableFsync: options.durableFsync ?? DEFAULTS.delivery.durableFsync,
      handleUncaughtErrors: false,
      ...(spoolDir === undefined ? {} : { spoolDir }),
    };
    if (delivery.durableSeverity !== 'off' && spoolDir === undefined) {
      throw new LogweaveConfigError(
        'delivery.durableSeverity',
        `"off" unless delivery.spoolDir (LOGWEAVE_SPOOL_DIR) is set: the records are written to the spool`,
        delivery.durableSeverity,
      );
    }
    const destination = `the OTLP endpoint ${otlp.url} (${otlp.protocol})`;
    const report = new DeliveryReport({ stats: this.stats, diagnostics, destination, spoolDir });
    const journalDir = spoolDir === undefined ? undefined : join(spoolDir, 'journal');
    // What a killed process journaled joins the spool before the spool adopts its leftovers (also
    // when this run journals nothing itself).
    if (journalDir !== undefined && spoolDir !== undefined) moveLeftoverSegments(journalDir, spoolDir);
    this.#spool =
      spoolDir === undefined
        ? undefined
        : openSpool(spoolDir, delivery.spoolMaxBytes, spoolEvents(spoolDir, delivery.spoolMaxBytes, report));
    this.#journal =
      journalDir === undefined || delivery.durableSeverity === 'off'
        ? undefined
        : new DurableJournal({
            spool: openSpool(
              journalDir,
              delivery.spoolMaxBytes,
              journalEvents(journalDir, delivery.spoolMaxBytes, report, diagnostics),
            ),
            json: otlp.protocol === 'http/json',
            fsync: delivery.durableFsync,
            severity: delivery.durableSeverity,
            stats: this.stats,
            onWriteFailed: (reason) =>
              diagnostics.report(
                'journal_write',
                `a ${delivery.durableSeverity.toUpperCase()}+ record was not written ahead to the journal: ${reason}. ` +
                  'It is still delivered as usual, but a crash before then would lose it.',
              ),
          });
    this.#durable = new DurableOtlpExporter({
      otlp,
      delivery,
      listener: report,
      sender,
      ...(this.#spool === undefined ? {} : { spool: this.#spool }),
      ...(this.#journal === undefined ? {} : { journal: this.#journal }),
    });
    this.#reporting = new ReportingExporter({
      inner: this.#durable,
      stats: this.stats,
      diagnostics,
      destination,
      report,
    });
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.#reporting.export(logs, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.#reporting.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#reporting.shutdown();
  }

  /**
   * The batch processor of this exporter, wrapped so that records at `durableSeverity` or above are
   * written ahead to the spool's journal before `emit()` returns (a SIGKILL loses none of them); the
   * same processor when the option is off. `createLogging()` does this itself.
   */
  withJournal(batch: LogRecordProcessor): LogRecordProcessor {
    return this.#journal?.track(batch) ?? batch;
  }

  /** Records waiting in the spool now (0 without one). */
  get spooledRecords(): number {
    return this.#spool?.pendingRecords ?? 0;
  }

  /**
   * @internal Until the returned release is called, exports give up `millis` from now and spool
   * (or count) the rest: how a bounded flush at a signal or `shutdown()` ends in time.
   */
  hurry(millis: number): () => void {
    return this.#durable.hurry(millis);
  }

  /** @internal Synchronously keeps records a process ending now still holds (`process.exit`, a signal). */
  keepAtExit(pending: ReadableLogRecord[]): void {
    this.#durable.keepAtExit(pending);
  }
}

function tlsFilesOf(options: OtlpOptions): Parameters<typeof readTlsFiles>[0] {
  const files: Parameters<typeof readTlsFiles>[0] = {};
  if (options.certificateFile !== undefined)
    files.ca = { path: options.certificateFile, where: 'DurableOtlpLogExporter.certificateFile' };
  if (options.clientKeyFile !== undefined)
    files.key = { path: options.clientKeyFile, where: 'DurableOtlpLogExporter.clientKeyFile' };
  if (options.clientCertificateFile !== undefined)
    files.cert = {
      path: options.clientCertificateFile,
      where: 'DurableOtlpLogExporter.clientCertificateFile',
    };
  return files;
}

type SpoolEvents = ConstructorParameters<typeof DiskSpool>[0]['events'];

function openSpool(dir: string, maxBytes: number, events: SpoolEvents): DiskSpool {
  try {
    return new DiskSpool({ dir, maxBytes, events });
  } catch (error) {
    throw new LogweaveConfigError('delivery.spoolDir', 'a directory logweave can create and write', dir, {
      cause: error,
    });
  }
}

/** Evicted or damaged records leave the spool as lost (`unspooled` keeps the balance). */
function spoolEvents(dir: string, maxBytes: number, report: DeliveryReport): SpoolEvents {
  return {
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
  };
}

/** The journal holds copies of records that are still in memory: losing a copy loses no record. */
function journalEvents(
  dir: string,
  maxBytes: number,
  report: DeliveryReport,
  diagnostics: DiagnosticReporter,
): SpoolEvents {
  return {
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
  };
}
