import { DEFAULTS } from './defaults.ts';

/** Options of `DiagnosticReporter`. */
export interface DiagnosticReporterOptions {
  /** Minimum time between two lines with the same reason. Default: 60000 ms (`diagnosticIntervalMillis`). */
  intervalMillis?: number;
  /** Receives each line. Default: writes to `process.stderr`. */
  write?: (line: string) => void;
}

/**
 * logweave's own voice on stderr: at most one line per reason per interval, so a Collector
 * outage produces one readable line a minute instead of a log storm. Lines suppressed in
 * between are counted and the count is shown on the next line for that reason. Every
 * component accepts one, so a pipeline assembled by hand can share it.
 */
export class DiagnosticReporter {
  readonly #intervalMillis: number;
  readonly #write: (line: string) => void;
  readonly #lastReported = new Map<string, { at: number; suppressed: number }>();

  constructor(options: DiagnosticReporterOptions = {}) {
    this.#intervalMillis = options.intervalMillis ?? DEFAULTS.diagnosticIntervalMillis;
    this.#write = options.write ?? writeToStderr;
  }

  /** Reports `message` under `reason` unless the same reason was reported within the interval. */
  report(reason: string, message: string): void {
    const now = Date.now();
    const last = this.#lastReported.get(reason);
    if (last !== undefined && now - last.at < this.#intervalMillis) {
      last.suppressed++;
      return;
    }
    const suppressedNote =
      last !== undefined && last.suppressed > 0 ? ` (${last.suppressed} similar reports suppressed)` : '';
    this.#lastReported.set(reason, { at: now, suppressed: 0 });
    try {
      this.#write(`logweave: [${reason}] ${message}${suppressedNote}`);
    } catch {
      // Diagnostics must never throw into the application; a broken stderr has nowhere to report to.
    }
  }

  /** Reports a fault inside logweave (`where` failed) once per interval, under `internal_error`. */
  reportError(where: string, error: unknown): void {
    this.report(
      'internal_error',
      `${where} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /**
   * Writes `message` under `[summary]` whatever the interval: the final account when the
   * process ends or `shutdown()` resolves, which no rate limit may hide.
   */
  summarize(message: string): void {
    try {
      this.#write(`logweave: [summary] ${message}`);
    } catch {
      // As above: nowhere left to report to.
    }
  }
}

function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}
