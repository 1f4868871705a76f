import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createLogging, type Logging, type LoggingOptions, type StatsSnapshot } from '../../src/index.ts';

/** A pipeline for tests: records stay in memory, no process hooks, no environment, diagnostics captured. */
export interface MemoryPipeline {
  readonly logging: Logging;
  /** Flushes, then returns every record exported so far. */
  records(): Promise<ReadableLogRecord[]>;
  /** Forgets the records exported so far (a test that reuses one pipeline for many cases). */
  clear(): void;
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
      // A copy: the in-memory exporter forgets its records at shutdown.
      return [...exporter.getFinishedLogRecords()];
    },
    clear: () => exporter.reset(),
    shutdown: () => logging.shutdown(),
  };
}

/** What `collect` saw: the exported records, the stats before shutdown, the diagnostic lines. */
export interface Collected {
  records: ReadableLogRecord[];
  stats: StatsSnapshot;
  diagnostics: string[];
}

/**
 * One pipeline for one test step: runs `emit` (awaited) on a fresh `memoryPipeline(options)`,
 * flushes, reads the stats, shuts the pipeline down.
 */
export async function collect(
  emit: (logging: Logging) => void | Promise<void>,
  options: LoggingOptions = {},
): Promise<Collected> {
  const pipeline = memoryPipeline(options);
  try {
    await emit(pipeline.logging);
    const records = await pipeline.records();
    return { records, stats: pipeline.logging.stats(), diagnostics: pipeline.diagnostics };
  } finally {
    await pipeline.shutdown();
  }
}
