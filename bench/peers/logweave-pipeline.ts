import { createLogging, type Logging, type LoggingOptions } from '../../src/index.ts';
import { SerializingExporter } from '../harness/serializing-exporter.ts';

export interface LogweavePipeline {
  logging: Logging;
  exporter: SerializingExporter;
  /** Diagnostic lines logweave wrote (a benchmark that triggers one is suspect). */
  diagnostics: string[];
}

/**
 * logweave's whole pipeline (context → redaction → sampling → batch) into the in-process
 * serializing exporter. The environment is empty so the machine's OTEL_* variables cannot
 * change what is measured.
 */
export function createLogweavePipeline(options: LoggingOptions = {}): LogweavePipeline {
  const exporter = new SerializingExporter();
  const diagnostics: string[] = [];
  const logging = createLogging({
    serviceName: 'bench',
    handleSignals: false,
    env: {},
    diagnosticWriter: (line) => diagnostics.push(line),
    ...options,
    exporter,
  });
  return { logging, exporter, diagnostics };
}

/** Sum of every drop reason in a stats snapshot. */
export function droppedTotal(logging: Logging): number {
  let total = 0;
  for (const count of Object.values(logging.stats().dropped)) total += count ?? 0;
  return total;
}
