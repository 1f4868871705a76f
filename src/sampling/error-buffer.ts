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
  /** How long an ended request's records stay releasable (0: discarded when it ends). */
  graceMillis: number;
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

interface Hold {
  readonly request: RequestContext;
  readonly records: HeldRecord[];
  bytes: number;
  failed: boolean;
  readonly createdAt: number;
  /** Set when the request ended: the hold is then in the grace list until this time. */
  expiresAt: number;
}

/**
 * Per-request holding area for records that sampling dropped. A failed request's records are
 * handed back in their original order. An ended request's records are kept for `graceMillis`
 * more, findable by trace id, so a failure noticed later (a caller's retry gave up, a sibling
 * call failed, a release call) still releases them; after that they were dropped by sampling
 * after all and are counted as such. Bounded three ways, each overflow counted as
 * `buffer_overflow`: per request by count and bytes (the oldest record goes, so the records
 * closest to the failure stay), globally by bytes (ended requests' records go first, then the
 * oldest live request's), and by age (a request that never ends is discarded after
 * `maxAgeMillis`, counted `expired`).
 */
export class ErrorBuffer {
  #limits: ErrorBufferLimits;
  readonly #stats: LoggingStats;
  readonly #now: () => number;
  /** Live requests; insertion order is creation order, which makes the oldest request the first entry. */
  readonly #live = new Map<RequestContext, Hold>();
  /** Ended requests waiting out their grace period, oldest end first. */
  readonly #grace: Hold[] = [];
  #graceHead = 0;
  /** Live and grace holds by trace id, for releases that name a trace. */
  readonly #byTrace = new Map<string, Hold[]>();
  #totalBytes = 0;
  readonly #ended = new WeakSet<RequestContext>();

  constructor(limits: ErrorBufferLimits, stats: LoggingStats, now: () => number = Date.now) {
    this.#limits = limits;
    this.#stats = stats;
    this.#now = now;
  }

  set limits(limits: ErrorBufferLimits) {
    this.#limits = limits;
  }

  /** Bytes held now (live and grace), for tests and diagnostics. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Records held now, live and within the grace period. */
  get heldRecords(): number {
    let count = 0;
    for (const hold of this.#live.values()) count += hold.records.length;
    for (let index = this.#graceHead; index < this.#grace.length; index++) {
      count += (this.#grace[index] as Hold).records.length;
    }
    return count;
  }

  /** Lets holds whose grace period is over go (their records were dropped by sampling after all). */
  expireNow(): void {
    this.#expire(this.#now());
  }

  /** Whether the request failed (an ERROR was seen or it was marked failed) and is still running. */
  isFailed(request: RequestContext): boolean {
    return this.#live.get(request)?.failed === true;
  }

  /** Holds `held` for `request`, evicting what the limits require; false when the request already ended. */
  hold(request: RequestContext, held: HeldRecord): boolean {
    // Work a request left running after it ended can no longer fail it: nothing to wait for.
    if (this.#ended.has(request)) return false;
    const now = this.#now();
    this.#expire(now);
    let hold = this.#live.get(request);
    if (hold === undefined) hold = this.#open(request, now, false);
    hold.records.push(held);
    hold.bytes += held.bytes;
    this.#totalBytes += held.bytes;
    while (hold.records.length > this.#limits.maxRecords || hold.bytes > this.#limits.maxBytes) {
      this.#evictOldest(hold);
    }
    this.#evictOverTotal(hold);
    return true;
  }

  /**
   * Marks the request failed and returns what was held for it, oldest first, and whether the
   * request had ended already (its records waited out part of the grace period). The request's
   * later records are kept by the caller while `isFailed` says so.
   */
  fail(request: RequestContext): { records: HeldRecord[]; ended: boolean } {
    const hold = this.#live.get(request);
    if (hold !== undefined) {
      hold.failed = true;
      return { records: this.#take(hold), ended: false };
    }
    if (!this.#ended.has(request)) {
      this.#open(request, this.#now(), true);
      return { records: [], ended: false };
    }
    const ended = this.#byTrace.get(request.traceId)?.find((candidate) => candidate.request === request);
    return { records: ended === undefined ? [] : this.#take(ended), ended: true };
  }

  /**
   * Releases every record held for the trace `traceId`: those of requests that ended within the
   * grace period, and those of its requests still running (which are marked failed).
   */
  releaseTrace(traceId: string): { live: HeldRecord[]; ended: HeldRecord[] } {
    const holds = this.#byTrace.get(traceId);
    const live: HeldRecord[] = [];
    const ended: HeldRecord[] = [];
    for (const hold of holds ?? []) {
      const running = this.#live.has(hold.request);
      if (running) hold.failed = true;
      (running ? live : ended).push(...this.#take(hold));
    }
    const byTime = (left: HeldRecord, right: HeldRecord): number =>
      compareTime(left.record.hrTime, right.record.hrTime);
    return { live: live.sort(byTime), ended: ended.sort(byTime) };
  }

  /** The request ended: what it holds waits out the grace period, or is discarded without one. */
  end(request: RequestContext): void {
    this.#ended.add(request);
    const hold = this.#live.get(request);
    if (hold === undefined) return;
    this.#live.delete(request);
    const now = this.#now();
    if (this.#limits.graceMillis <= 0 || hold.records.length === 0 || hold.failed) {
      this.#forget(hold);
      this.#discard(hold);
    } else {
      hold.expiresAt = now + this.#limits.graceMillis;
      this.#grace.push(hold);
    }
    this.#expire(now);
  }

  /** Discards everything (shutdown). */
  clear(): void {
    for (const hold of this.#live.values()) this.#discard(hold);
    for (let index = this.#graceHead; index < this.#grace.length; index++) {
      this.#discard(this.#grace[index] as Hold);
    }
    this.#live.clear();
    this.#grace.length = 0;
    this.#graceHead = 0;
    this.#byTrace.clear();
  }

  #open(request: RequestContext, now: number, failed: boolean): Hold {
    const hold: Hold = { request, records: [], bytes: 0, failed, createdAt: now, expiresAt: 0 };
    this.#live.set(request, hold);
    const sameTrace = this.#byTrace.get(request.traceId);
    if (sameTrace === undefined) this.#byTrace.set(request.traceId, [hold]);
    else sameTrace.push(hold);
    return hold;
  }

  #take(hold: Hold): HeldRecord[] {
    const records = hold.records.splice(0);
    this.#totalBytes -= hold.bytes;
    hold.bytes = 0;
    return records;
  }

  #forget(hold: Hold): void {
    const sameTrace = this.#byTrace.get(hold.request.traceId);
    if (sameTrace === undefined) return;
    const index = sameTrace.indexOf(hold);
    if (index !== -1) sameTrace.splice(index, 1);
    if (sameTrace.length === 0) this.#byTrace.delete(hold.request.traceId);
  }

  #expire(now: number): void {
    // Ended requests whose grace is over: their records were dropped by sampling after all.
    while (this.#graceHead < this.#grace.length) {
      const hold = this.#grace[this.#graceHead] as Hold;
      if (hold.expiresAt > now) break;
      this.#graceHead++;
      this.#forget(hold);
      this.#discard(hold);
    }
    if (this.#graceHead > 1024 && this.#graceHead * 2 > this.#grace.length) {
      this.#grace.splice(0, this.#graceHead);
      this.#graceHead = 0;
    }
    // Live requests that never ended.
    for (const [request, hold] of this.#live) {
      if (now - hold.createdAt < this.#limits.maxAgeMillis) break;
      this.#live.delete(request);
      this.#forget(hold);
      this.#stats.recordDropped('expired', hold.records.length);
      this.#take(hold);
    }
  }

  /** Past the global bound: ended requests' records go first (the oldest end first), then live ones. */
  #evictOverTotal(current: Hold): void {
    for (let index = this.#graceHead; index < this.#grace.length; index++) {
      if (this.#totalBytes <= this.#limits.maxTotalBytes) return;
      const hold = this.#grace[index] as Hold;
      while (hold.records.length > 0 && this.#totalBytes > this.#limits.maxTotalBytes)
        this.#evictOldest(hold);
    }
    for (const hold of this.#live.values()) {
      if (this.#totalBytes <= this.#limits.maxTotalBytes) return;
      if (hold === current && this.#live.size > 1) continue;
      while (hold.records.length > 0 && this.#totalBytes > this.#limits.maxTotalBytes)
        this.#evictOldest(hold);
    }
    while (current.records.length > 0 && this.#totalBytes > this.#limits.maxTotalBytes)
      this.#evictOldest(current);
  }

  #evictOldest(hold: Hold): void {
    const oldest = hold.records.shift();
    if (oldest === undefined) return;
    hold.bytes -= oldest.bytes;
    this.#totalBytes -= oldest.bytes;
    this.#stats.recordDropped('buffer_overflow');
  }

  #discard(hold: Hold): void {
    for (const held of hold.records) {
      if (held.notAllowlisted) held.counter.notAllowlisted++;
      else held.counter.sampledOut++;
    }
    this.#totalBytes -= hold.bytes;
    hold.records.length = 0;
    hold.bytes = 0;
  }
}

function compareTime(left: readonly [number, number], right: readonly [number, number]): number {
  return left[0] - right[0] || left[1] - right[1];
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
