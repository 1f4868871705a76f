import type { Context } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type {
  LogRecordExporter,
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import type { LoggingStats } from '../core/stats.ts';

/** Consumed slots are cut off the front once this many have piled up (and they are half the array). */
const COMPACT_AFTER = 1024;

/**
 * Remembers the records the batch processor holds but has not handed to the exporter yet, so
 * that a process ending with `process.exit()` (where nothing asynchronous runs any more) can
 * still spool or write them synchronously. The batch processor's queue is private; this mirror
 * adds a record when the processor accepted it (a full queue counts `queue_full` synchronously,
 * which is how a refused record is told apart) and forgets it when the exporter receives it.
 *
 * The batch processor hands records to the exporter oldest first, so the mirror is a FIFO: an
 * array and a head index, with no per-record hashing (a Set here cost ~3 % of a kept record in
 * `npm run bench -- --only kept`). Should a batch ever not start at the head, the records are
 * looked up one by one instead.
 */
export class PendingRecords {
  #queue: ReadableLogRecord[] = [];
  #head = 0;
  #queueFullDrops = 0;

  constructor(stats: LoggingStats) {
    stats.onDrop((reason, count) => {
      if (reason === 'queue_full') this.#queueFullDrops += count;
    });
  }

  /** Wraps the batch processor: records it accepts are remembered. */
  track(batch: LogRecordProcessor): LogRecordProcessor {
    return {
      onEmit: (record: ReadWriteLogRecord, context?: Context) => {
        const refusedBefore = this.#queueFullDrops;
        batch.onEmit(record, context);
        if (this.#queueFullDrops === refusedBefore) this.#queue.push(record);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => batch.shutdown(),
    };
  }

  /** Wraps the exporter: records handed to it are no longer pending. */
  release(exporter: LogRecordExporter): LogRecordExporter {
    return {
      export: (logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void) => {
        this.#forget(logs);
        exporter.export(logs, resultCallback);
      },
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
    };
  }

  /** Takes every pending record, oldest first. */
  drain(): ReadableLogRecord[] {
    const records = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    return records;
  }

  #forget(logs: ReadableLogRecord[]): void {
    if (logs.length === 0) return;
    if (this.#queue[this.#head] === logs[0]) {
      this.#head = Math.min(this.#head + logs.length, this.#queue.length);
    } else {
      const exported = new Set(logs);
      const kept = this.#queue.slice(this.#head).filter((record) => !exported.has(record));
      this.#queue = kept;
      this.#head = 0;
    }
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
