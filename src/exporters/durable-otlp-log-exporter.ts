import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DeliveryOptions } from '../config/delivery-options.ts';
import type { OtlpOptions } from '../config/logging-options.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { LoggingStats } from '../core/stats.ts';
import { DeliveryReport } from './delivery-report.ts';
import { DiskSpool } from './disk-spool.ts';
import { DurableOtlpExporter } from './durable-otlp-exporter.ts';
import { ReportingExporter } from './reporting-exporter.ts';

/** Options of `DurableOtlpLogExporter`: the `otlp` section and the spool settings of `delivery`. */
export interface DurableOtlpLogExporterOptions
  extends OtlpOptions, Omit<DeliveryOptions, 'handleUncaughtErrors'> {
  /** Counts delivered, spooled and dropped records by reason. Default: a stats object of its own. */
  stats?: LoggingStats;
  /** Says on stderr (rate-limited) what failed and how to point logweave elsewhere. Default: one writing to stderr. */
  diagnostics?: DiagnosticReporter;
}

/**
 * logweave's OTLP/HTTP log exporter, usable wherever the SDK takes a `LogRecordExporter`
 * (`new BatchLogRecordProcessor(new DurableOtlpLogExporter({ spoolDir }))`). It sends with the
 * official serializers, retries what OTLP says is retryable, splits on 413, counts partial
 * success, and with `spoolDir` keeps every batch the endpoint does not take on disk until it
 * answers again (also across restarts). Every record ends up delivered, spooled, or counted as
 * dropped with its reason in `stats`. Options are used as given (defaults from `DEFAULTS`);
 * `createLogging()` is what reads `OTEL_EXPORTER_OTLP_*`.
 *
 * @example
 * const exporter = new DurableOtlpLogExporter({ url: 'http://collector:4318/v1/logs', spoolDir: '/var/lib/app/spool' });
 */
export class DurableOtlpLogExporter implements LogRecordExporter {
  readonly stats: LoggingStats;
  readonly #durable: DurableOtlpExporter;
  readonly #reporting: ReportingExporter;

  constructor(options: DurableOtlpLogExporterOptions = {}) {
    this.stats = options.stats ?? new LoggingStats();
    const diagnostics = options.diagnostics ?? new DiagnosticReporter();
    const otlp = {
      url: options.url ?? DEFAULTS.otlp.url,
      protocol: options.protocol ?? DEFAULTS.otlp.protocol,
      headers: options.headers ?? {},
      timeoutMillis: options.timeoutMillis ?? DEFAULTS.otlp.timeoutMillis,
      compression: options.compression ?? DEFAULTS.otlp.compression,
    };
    const delivery = {
      spoolMaxBytes: options.spoolMaxBytes ?? DEFAULTS.delivery.spoolMaxBytes,
      replayInitialBackoffMillis:
        options.replayInitialBackoffMillis ?? DEFAULTS.delivery.replayInitialBackoffMillis,
      replayMaxBackoffMillis: options.replayMaxBackoffMillis ?? DEFAULTS.delivery.replayMaxBackoffMillis,
      handleUncaughtErrors: false,
      ...(options.spoolDir === undefined ? {} : { spoolDir: options.spoolDir }),
    };
    const destination = `the OTLP endpoint ${otlp.url} (${otlp.protocol})`;
    const report = new DeliveryReport({
      stats: this.stats,
      diagnostics,
      destination,
      spoolDir: options.spoolDir,
    });
    const spool = createSpool(options.spoolDir, delivery.spoolMaxBytes, report);
    this.#durable = new DurableOtlpExporter({
      otlp,
      delivery,
      listener: report,
      ...(spool === undefined ? {} : { spool }),
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
   * @internal Until the returned release is called, exports give up `millis` from now and spool
   * (or count) the rest: how a bounded flush at a signal or `shutdown()` ends in time.
   */
  hurry(millis: number): () => void {
    return this.#durable.hurry(millis);
  }

  /** @internal Synchronously keeps records a process exiting now still holds (`process.exit`). */
  keepAtExit(pending: ReadableLogRecord[]): void {
    this.#durable.keepAtExit(pending);
  }
}

function createSpool(
  dir: string | undefined,
  maxBytes: number,
  report: DeliveryReport,
): DiskSpool | undefined {
  if (dir === undefined) return undefined;
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
