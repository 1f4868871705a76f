import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createLogging, type Logging, type LoggingOptions } from '../../src/index.ts';

/** A pipeline for tests: records stay in memory, no process hooks, no environment, diagnostics captured. */
export interface MemoryPipeline {
  readonly logging: Logging;
  /** Flushes, then returns every record exported so far. */
  records(): Promise<ReadableLogRecord[]>;
  /** logweave's own diagnostic lines so far. */
  readonly diagnostics: string[];
  shutdown(): Promise<void>;
}

/**
 * `createLogging()` for a test: an in-memory exporter, a batch queue large enough for the test,
 * `env: {}` (the machine's OTel variables never leak in) and no signal or uncaught-error hooks.
 * `options` override any of these.
 */
export function memoryPipeline(options: LoggingOptions = {}): MemoryPipeline {
  const exporter = new InMemoryLogRecordExporter();
  const diagnostics: string[] = [];
  const logging = createLogging({
    exporter,
    env: {},
    handleSignals: false,
    batch: { maxQueueSize: 100_000, maxExportBatchSize: 2_000, scheduledDelayMillis: 20 },
    diagnosticWriter: (line) => diagnostics.push(line),
    ...options,
    delivery: { handleUncaughtErrors: false, ...options.delivery },
  });
  return {
    logging,
    diagnostics,
    async records() {
      await logging.forceFlush();
      return exporter.getFinishedLogRecords();
    },
    shutdown: () => logging.shutdown(),
  };
}
