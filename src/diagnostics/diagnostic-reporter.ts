/**
 * logweave's own voice on stderr: at most one line per reason per interval, so a Collector
 * outage produces one readable line a minute instead of a log storm. Lines suppressed in
 * between are counted and the count is shown on the next line for that reason.
 */
export class DiagnosticReporter {
  readonly #intervalMillis: number;
  readonly #write: (line: string) => void;
  readonly #lastReported = new Map<string, { at: number; suppressed: number }>();

  constructor(options: { intervalMillis: number; write: (line: string) => void }) {
    this.#intervalMillis = options.intervalMillis;
    this.#write = options.write;
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
