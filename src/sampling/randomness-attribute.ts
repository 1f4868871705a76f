import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { RandomnessSource, RecordRandomness } from './record-randomness.ts';
import { SAMPLING_ATTRIBUTES } from '../core/attribute-names.ts';

/**
 * Writes `sampling.randomness` on a record about to be passed on (or held) when its randomness,
 * already loaded into `randomness` from `source`, is not the trace id's. The Collector's sampler
 * reads a log record's randomness from that attribute, else from the trace id: without it a
 * record with an explicit `rv` would be decided downstream from the trace id instead, and one
 * without a trace would have no randomness at all (dropped with `fail_closed`, its default).
 * Must run before the record is handed on: records are read-only once `onEmit` returns.
 */
export function writeRandomness(
  record: ReadWriteLogRecord,
  randomness: RecordRandomness,
  source: RandomnessSource,
): void {
  if (source === 'trace' && !randomness.explicit) return;
  record.setAttribute(SAMPLING_ATTRIBUTES.randomness, randomness.hex());
}

/**
 * Without a sampling policy only a trace's explicit `rv` is written: nothing is decided then, so
 * the other records keep exactly the attributes the application gave them.
 */
export function writeExplicitRandomness(record: ReadWriteLogRecord, randomness: RecordRandomness): void {
  const spanContext = record.spanContext;
  if (spanContext !== undefined && randomness.fromSpanContext(spanContext) && randomness.explicit) {
    record.setAttribute(SAMPLING_ATTRIBUTES.randomness, randomness.hex());
  }
}
