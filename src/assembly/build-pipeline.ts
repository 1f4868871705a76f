import { BatchLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import { processContextFrom } from '../context/process-context.ts';
import { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { LoggingStats } from '../core/stats.ts';
import { SEVERITY_NUMBER_BY_NAME } from '../core/severity.ts';
import type { ExporterSetup } from '../exporters/create-exporter.ts';
import { createExporters } from '../exporters/create-exporters.ts';
import { pipelineFinisher } from '../lifecycle/finish-pipeline.ts';
import { PendingRecords } from '../lifecycle/pending-records.ts';
import { DiscardProcessor } from '../pipeline/discard-processor.ts';
import { reportPipelineDrops } from '../pipeline/pipeline-drop-report.ts';
import { createQueueDropMeterProvider } from '../pipeline/queue-drop-meter.ts';
import { RedactionProcessor } from '../pipeline/redaction-processor.ts';
import { RequestContextProcessor } from '../pipeline/request-context-processor.ts';
import { SamplingProcessor } from '../pipeline/sampling-processor.ts';

/** The parts of one pipeline, built from resolved options and sharing one stats and diagnostics. */
export interface Pipeline {
  /** The head of the chain: request context → redaction → sampling → batch → exporter. */
  readonly head: RequestContextProcessor;
  readonly sampling: SamplingProcessor;
  readonly stats: LoggingStats;
  readonly diagnostics: DiagnosticReporter;
  /** Undefined for `exporter: 'none'`. */
  readonly exporter: ExporterSetup | undefined;
  /** What the batch processor still queues, for `process.exit()`. */
  readonly pending: PendingRecords;
  /**
   * Synchronously keeps what is still queued or in flight (spooled or written, else counted
   * `shutdown_timeout`) and writes the final loss summary; `when` names the exit (`on SIGTERM`).
   */
  readonly finish: (when: string) => void;
}

/**
 * The standalone components wired as `createLogging()` uses them; each stage decorates the next
 * (the SDK's multi-processor cannot drop a record, a decorator can).
 */
export function buildPipeline(resolved: ResolvedOptions): Pipeline {
  const stats = new LoggingStats();
  const diagnostics = new DiagnosticReporter({
    intervalMillis: resolved.diagnosticIntervalMillis,
    write: resolved.diagnosticWriter,
  });
  // Ignored OTel variables are said once, before anything is exported.
  for (const warning of resolved.environmentWarnings) diagnostics.report(`env:${warning}`, warning);
  const exporter = createExporters(resolved, stats, diagnostics);
  // Mirrors the batch queue so `process.exit()` can still spool what it holds (lifecycle/).
  const pending = new PendingRecords(stats);
  const terminal: LogRecordProcessor =
    exporter === undefined
      ? new DiscardProcessor()
      : exporter.wrapQueue(
          pending.track(
            new BatchLogRecordProcessor({
              exporter: pending.release(exporter.exporter),
              ...resolved.batch,
              selfObsMeterProvider: createQueueDropMeterProvider(stats),
            }),
          ),
        );
  reportPipelineDrops(stats, diagnostics, resolved.batch.maxQueueSize);
  const processContext = processContextFrom(resolved.inheritedContext);
  const context = processContext === undefined ? {} : { processContext };
  const sampling = new SamplingProcessor(terminal, {
    ...(resolved.sampling === undefined ? {} : { sampling: resolved.sampling }),
    seed: resolved.samplingSeed,
    stats,
    diagnostics,
    ...context,
  });
  const redaction = new RedactionProcessor(sampling, {
    ...resolved.redaction,
    limits: resolved.limits,
    stats,
    diagnostics,
  });
  const head = new RequestContextProcessor(redaction, {
    stats,
    ...context,
    minimumSeverity: SEVERITY_NUMBER_BY_NAME[resolved.level],
  });
  const finish = pipelineFinisher({
    exporter,
    pendingRecords: pending,
    readStats: () => (sampling.drainCounters(), stats.snapshot()),
    diagnostics,
  });
  return { head, sampling, stats, diagnostics, exporter, pending, finish };
}
