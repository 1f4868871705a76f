import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { LoggingStats } from '../core/stats.ts';

/**
 * Says on stderr (rate-limited) when records are lost inside the pipeline itself, with what to
 * change. Export-side losses are reported by the exporters, which know the endpoint.
 */
export function reportPipelineDrops(
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
  maxQueueSize: number,
): void {
  stats.onDrop((reason, count) => {
    if (reason === 'queue_full') {
      diagnostics.report(
        'queue_full',
        `the batch queue is full (maxQueueSize ${maxQueueSize}); ${count} records dropped now, ` +
          `${stats.droppedCount('queue_full')} so far. Raise OTEL_BLRP_MAX_QUEUE_SIZE or sample more.`,
      );
    } else if (reason === 'buffer_overflow') {
      diagnostics.report(
        'buffer_overflow',
        `the sampling error buffer reached a limit (maxRecords, maxBytes, maxTotalBytes or maxAgeMillis); ` +
          `${count} held records dropped now, ${stats.droppedCount('buffer_overflow')} so far. ` +
          'Raise sampling.errorBuffer limits or log less per request.',
      );
    }
  });
}
