import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import { exportBudgetMillis } from '../lifecycle/flush-budget.ts';
import { boundedBy } from '../lifecycle/bounded-by.ts';
import type { Pipeline } from './build-pipeline.ts';

/** Flush and shutdown of one pipeline, each bounded by `shutdownTimeoutMillis`. */
export interface BoundedFlush {
  flush(): Promise<void>;
  /** A flush for a process that is ending: exports give up at the budget and spool the rest. */
  flushBeforeExit(): Promise<void>;
  /** Idempotent; later flushes wait for it. */
  shutdown(): Promise<void>;
}

export function boundedFlush(
  pipeline: Pipeline,
  provider: LoggerProvider,
  timeoutMillis: number,
): BoundedFlush {
  const within = (work: Promise<void>, what: string): Promise<void> =>
    boundedBy(work, timeoutMillis, () =>
      pipeline.diagnostics.report(
        'flush_timeout',
        `${what} did not finish within ${timeoutMillis} ms; what is still queued or in flight is spooled ` +
          'or counted as shutdown_timeout (see the summary line)',
      ),
    );
  // Exports stop retrying at the budget and spool the rest, so the flush as a whole ends in time.
  const exportBudget = exportBudgetMillis(timeoutMillis);
  let shutdownPromise: Promise<void> | undefined;
  const flush = (): Promise<void> => shutdownPromise ?? within(provider.forceFlush(), 'forceFlush');
  return {
    flush,
    flushBeforeExit() {
      const release = pipeline.exporter?.hurry(exportBudget);
      return flush().finally(() => release?.());
    },
    shutdown() {
      if (shutdownPromise === undefined) {
        pipeline.exporter?.hurry(exportBudget);
        shutdownPromise = within(provider.shutdown(), 'shutdown').then(() =>
          pipeline.finish('at shutdown()'),
        );
      }
      return shutdownPromise;
    },
  };
}
