import type { Context } from '@opentelemetry/api';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { RequestContext } from '../context/request-context.ts';
import type { LoggingStats } from '../core/stats.ts';
import type { RuleCounter } from './rule-counters.ts';

/** Limits of the error buffer after defaults (see `ErrorBufferOptions`). */
export interface ErrorBufferLimits {
  maxRecords: number;
  maxBytes: number;
  maxTotalBytes: number;
  maxAgeMillis: number;
}

/** A record sampling dropped, held in case its request fails. */
export interface HeldRecord {
  readonly record: ReadWriteLogRecord;
  readonly context: Context | undefined;
  readonly bytes: number;
  /** The rule that dropped it, charged with the drop if the record is discarded. */
  readonly counter: RuleCounter;
  readonly notAllowlisted: boolean;
}

interface RequestHold {
  readonly records: HeldRecord[];
  bytes: number;
  failed: boolean;
  readonly createdAt: number;
}

/**
 * Per-request holding area for records that sampling dropped. A failed request's records are
 * handed back in their original order; an ended request's records are discarded (and counted as
 * the sampling drops they were). Bounded three ways, each overflow counted as `buffer_overflow`:
 * per request by count and bytes (the oldest record goes, so the records closest to the failure
 * stay), globally by bytes (the oldest request's oldest records go first), and by age (a request
 * that never ends is discarded after `maxAgeMillis`).
 */
export class ErrorBuffer {
  #limits: ErrorBufferLimits;
  readonly #stats: LoggingStats;
  /** Insertion order is creation order, which makes the oldest request the first entry. */
  readonly #holds = new Map<RequestContext, RequestHold>();
  #totalBytes = 0;
  readonly #ended = new WeakSet<RequestContext>();

  constructor(limits: ErrorBufferLimits, stats: LoggingStats) {
    this.#limits = limits;
    this.#stats = stats;
  }

  set limits(limits: ErrorBufferLimits) {
    this.#limits = limits;
  }

  /** Whether the request failed (an ERROR was seen or it was marked failed) and is still running. */
  isFailed(request: RequestContext): boolean {
    return this.#holds.get(request)?.failed === true;
  }

  /** Holds `held` for `request`, evicting what the limits require; false when the request already ended. */
  hold(request: RequestContext, held: HeldRecord): boolean {
    // Work a request left running after it ended can no longer fail it: nothing to wait for.
    if (this.#ended.has(request)) return false;
    const now = Date.now();
    this.#expire(now);
    let hold = this.#holds.get(request);
    if (hold === undefined) {
      hold = { records: [], bytes: 0, failed: false, createdAt: now };
      this.#holds.set(request, hold);
    }
    hold.records.push(held);
    hold.bytes += held.bytes;
    this.#totalBytes += held.bytes;
    while (hold.records.length > this.#limits.maxRecords || hold.bytes > this.#limits.maxBytes) {
      this.#evictOldest(hold);
    }
    for (const other of this.#holds.values()) {
      if (this.#totalBytes <= this.#limits.maxTotalBytes) break;
      while (other.records.length > 0 && this.#totalBytes > this.#limits.maxTotalBytes) {
        this.#evictOldest(other);
      }
    }
    return true;
  }

  /**
   * Marks the request failed and returns what was held for it, oldest first; the request's
   * later records are kept by the caller while `isFailed` says so.
   */
  fail(request: RequestContext): HeldRecord[] {
    let hold = this.#holds.get(request);
    if (hold === undefined) {
      if (this.#ended.has(request)) return [];
      this.#expire(Date.now());
      hold = { records: [], bytes: 0, failed: true, createdAt: Date.now() };
      this.#holds.set(request, hold);
      return [];
    }
    hold.failed = true;
    const records = hold.records.splice(0);
    this.#totalBytes -= hold.bytes;
    hold.bytes = 0;
    return records;
  }

  /** The request ended: what it still holds was dropped by sampling after all. */
  end(request: RequestContext): void {
    this.#ended.add(request);
    const hold = this.#holds.get(request);
    if (hold === undefined) return;
    this.#holds.delete(request);
    this.#discard(hold);
  }

  /** Discards everything (shutdown). */
  clear(): void {
    for (const hold of this.#holds.values()) this.#discard(hold);
    this.#holds.clear();
  }

  #expire(now: number): void {
    for (const [request, hold] of this.#holds) {
      if (now - hold.createdAt < this.#limits.maxAgeMillis) break;
      this.#holds.delete(request);
      const expired = hold.records.length;
      this.#totalBytes -= hold.bytes;
      hold.records.length = 0;
      this.#stats.recordDropped('buffer_overflow', expired);
    }
  }

  #evictOldest(hold: RequestHold): void {
    const oldest = hold.records.shift();
    if (oldest === undefined) return;
    hold.bytes -= oldest.bytes;
    this.#totalBytes -= oldest.bytes;
    this.#stats.recordDropped('buffer_overflow');
  }

  #discard(hold: RequestHold): void {
    for (const held of hold.records) {
      if (held.notAllowlisted) held.counter.notAllowlisted++;
      else held.counter.sampledOut++;
    }
    this.#totalBytes -= hold.bytes;
    hold.records.length = 0;
    hold.bytes = 0;
  }
}

/**
 * An estimate of a record's memory: body and attribute text plus a fixed overhead. It bounds
 * the buffer; it is not an exact heap size.
 */
export function estimateRecordBytes(record: ReadWriteLogRecord): number {
  let bytes = 256 + valueBytes(record.body);
  for (const key in record.attributes) bytes += key.length + valueBytes(record.attributes[key]);
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (value === null || value === undefined) return 0;
  if (typeof value !== 'object') return 8;
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + valueBytes(item), 16);
  if (value instanceof Uint8Array) return value.byteLength;
  let bytes = 16;
  for (const [key, item] of Object.entries(value)) bytes += key.length + valueBytes(item);
  return bytes;
}
