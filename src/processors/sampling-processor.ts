import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { SamplingOptions } from '../config/sampling-options.ts';
import { ChainedProcessor } from './chained-processor.ts';
import type { LoggingStats } from './logging-stats.ts';

/**
 * Decides which records to keep. (Placeholder stage: keeps everything until the sampling
 * policy lands; with no sampling configuration that is also the final behaviour.)
 */
export class SamplingProcessor extends ChainedProcessor {
  readonly #stats: LoggingStats;

  constructor(next: LogRecordProcessor, _options: SamplingOptions | undefined, stats: LoggingStats) {
    super(next);
    this.#stats = stats;
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.#stats.recordKept('default');
    this.next.onEmit(logRecord, context);
  }
}
