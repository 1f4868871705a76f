import type { Context } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type {
  LogRecordExporter,
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import type { LoggingStats } from '../processors/logging-stats.ts';

/**
 * Remembers the records the batch processor holds but has not handed to the exporter yet, so
 * that a process ending with `process.exit()` (where nothing asynchronous runs any more) can
 * still spool or write them synchronously. The batch processor's queue is private; this mirror
 * adds a record when the processor accepted it (a full queue counts `queue_full` synchronously,
 * which is how a refused record is told apart) and forgets it when the exporter receives it.
 * A Set keeps insertion order, so `drain()` returns records in the order they were emitted.
 */
export class PendingRecords {
  readonly #pending = new Set<ReadableLogRecord>();
  readonly #stats: LoggingStats;

  constructor(stats: LoggingStats) {
    this.#stats = stats;
  }

  /** Wraps the batch processor: records it accepts are remembered. */
  track(batch: LogRecordProcessor): LogRecordProcessor {
    return {
      onEmit: (record: ReadWriteLogRecord, context?: Context) => {
        const refusedBefore = this.#stats.droppedCount('queue_full');
        batch.onEmit(record, context);
        if (this.#stats.droppedCount('queue_full') === refusedBefore) this.#pending.add(record);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => batch.shutdown(),
    };
  }

  /** Wraps the exporter: records handed to it are no longer pending. */
  release(exporter: LogRecordExporter): LogRecordExporter {
    return {
      export: (logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void) => {
        for (const record of logs) this.#pending.delete(record);
        exporter.export(logs, resultCallback);
      },
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
    };
  }

  /** Takes every pending record, oldest first. */
  drain(): ReadableLogRecord[] {
    const records = [...this.#pending];
    this.#pending.clear();
    return records;
  }
}
