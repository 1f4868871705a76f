import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { lossSummary } from '../core/loss-summary.ts';
import type { StatsSnapshot } from '../core/stats.ts';
import type { PendingRecords } from './pending-records.ts';

/**
 * What a pipeline does when the process ends now (`exit`, a signal about to be re-raised) or
 * when `shutdown()` is done with its budget: synchronously keep what is still queued or being
 * exported (spooled or written, else counted `shutdown_timeout`), then write the final summary of
 * what was lost, by reason, which no rate limit suppresses.
 * @returns `finish(when)`, where `when` says which exit it is (`on SIGTERM`, `at exit (code 3)`).
 */
export function pipelineFinisher(options: {
  exporter: { keepAtExit(pending: ReadableLogRecord[]): void; inSpool(): number } | undefined;
  pendingRecords: PendingRecords;
  readStats: () => StatsSnapshot;
  diagnostics: DiagnosticReporter;
}): (when: string) => void {
  return (when) => {
    options.exporter?.keepAtExit(options.pendingRecords.drain());
    const summary = lossSummary(options.readStats(), when, options.exporter?.inSpool() ?? 0);
    if (summary !== undefined) options.diagnostics.summarize(summary);
  };
}
