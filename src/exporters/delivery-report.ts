import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { DropReason, LoggingStats } from '../core/stats.ts';
import type { DeliveryListener } from './delivery-listener.ts';

const REDIRECT_HINT =
  'Point logweave elsewhere with OTEL_EXPORTER_OTLP_ENDPOINT, or set OTEL_LOGS_EXPORTER=console|file|none.';

/**
 * Turns delivery outcomes into stats and into logweave's rate-limited stderr lines (one per
 * reason per interval) that say where records were going and how to point them elsewhere.
 */
export class DeliveryReport implements DeliveryListener {
  readonly #stats: LoggingStats;
  readonly #diagnostics: DiagnosticReporter;
  readonly #destination: string;
  readonly #spoolHint: string;

  constructor(options: {
    stats: LoggingStats;
    diagnostics: DiagnosticReporter;
    /** Human description of where records go, e.g. `the OTLP endpoint http://localhost:4318/v1/logs`. */
    destination: string;
    /** Where failed batches are kept, or undefined when there is no spool. */
    spoolDir?: string | undefined;
  }) {
    this.#stats = options.stats;
    this.#diagnostics = options.diagnostics;
    this.#destination = options.destination;
    this.#spoolHint =
      options.spoolDir === undefined
        ? ' Set LOGWEAVE_SPOOL_DIR to keep such batches on disk until it answers.'
        : '';
  }

  delivered(count: number): void {
    this.#stats.recordExported(count);
  }

  spooled(count: number, reason: string): void {
    this.#stats.recordSpooled(count);
    this.#diagnostics.report(
      'export_spooled',
      `could not deliver ${count} log records to ${this.#destination}: ${reason}. ` +
        `They are kept in the spool and sent when it answers again. ${REDIRECT_HINT}`,
    );
  }

  unspooled(count: number): void {
    this.#stats.recordUnspooled(count);
  }

  dropped(reason: DropReason, count: number, detail: string): void {
    this.#stats.recordDropped(reason, count);
    const total = this.#stats.droppedCount(reason);
    let message: string;
    if (reason === 'export_failed') {
      message =
        `could not deliver ${count} log records to ${this.#destination}: ${detail}. ` +
        `${total} records lost so far. ${REDIRECT_HINT}${this.#spoolHint}`;
    } else if (reason === 'rejected') {
      message =
        `${this.#destination} rejected ${count} log records (${detail}); they are not retried. ` +
        `${total} rejected so far.`;
    } else if (reason === 'partial_success') {
      message =
        `${this.#destination} accepted a batch but rejected ${count} of its records: ${detail}. ` +
        `${total} rejected so far; they are not retried.`;
    } else {
      message = `${count} log records dropped: ${detail}. ${total} so far.`;
    }
    this.#diagnostics.report(reason, message);
  }
}
