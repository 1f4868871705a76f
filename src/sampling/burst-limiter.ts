import { performance } from 'node:perf_hooks';
import type { HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { LoggingStats } from '../core/stats.ts';
import { BurstSummaryRecord, type BurstSummary } from './burst-summary-record.ts';

/** A burst has ended when its template was not suppressed for this long. */
export const BURST_QUIET_MILLIS = 1000;
/** A burst that goes on is summarised at least this often, so a flood never goes unreported. */
export const BURST_MAX_SUMMARY_INTERVAL_MILLIS = 10_000;
/** Templates tracked at once; past it, idle buckets are forgotten, and new templates pass unlimited until room frees. */
export const BURST_MAX_TEMPLATES = 10_000;
/** Characters of a message that identify its template. */
const TEMPLATE_KEY_LENGTH = 256;

interface Bucket {
  tokens: number;
  refilledAt: number;
  suppressed: number;
  firstSuppressedAt: number;
  lastSuppressedAt: number;
  summary: Omit<BurstSummary, 'suppressedCount' | 'lastTimestamp' | 'perTemplatePerSecond'> | undefined;
  lastTimestamp: HrTime | undefined;
}

/**
 * A token bucket per (module, message template): `perTemplatePerSecond` tokens a second, as many
 * at once. The template is the body (the facade's message is its template; attributes carry the
 * variable parts), or the event name for non-text bodies. A suppressed record is counted as a
 * `burst` drop; when the burst ends (a second without suppression) one summary record with the
 * count and the first and last timestamps goes downstream in its place.
 */
export class BurstLimiter {
  #perSecond: number;
  readonly #stats: LoggingStats;
  readonly #emit: (record: BurstSummaryRecord) => void;
  readonly #buckets = new Map<string, Bucket>();
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;

  readonly #clock: () => number;

  constructor(options: {
    perTemplatePerSecond: number;
    stats: LoggingStats;
    emit: (record: BurstSummaryRecord) => void;
    /** Milliseconds on a monotonic clock. Default: `performance.now` (tests inject their own). */
    clock?: () => number;
  }) {
    this.#perSecond = options.perTemplatePerSecond;
    this.#stats = options.stats;
    this.#emit = options.emit;
    this.#clock = options.clock ?? (() => performance.now());
  }

  set perTemplatePerSecond(value: number) {
    this.#perSecond = value;
  }

  /** Takes a token for the record's template; false (and counted) when the burst limit suppresses it. */
  allow(record: ReadWriteLogRecord): boolean {
    const key = templateKey(record);
    const now = this.#clock();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= BURST_MAX_TEMPLATES && !this.#forgetIdle(now)) return true;
      bucket = {
        tokens: this.#perSecond,
        refilledAt: now,
        suppressed: 0,
        firstSuppressedAt: 0,
        lastSuppressedAt: 0,
        summary: undefined,
        lastTimestamp: undefined,
      };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(
      this.#perSecond,
      bucket.tokens + ((now - bucket.refilledAt) * this.#perSecond) / 1000,
    );
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    if (bucket.suppressed === 0) {
      bucket.firstSuppressedAt = now;
      bucket.summary = {
        resource: record.resource,
        instrumentationScope: record.instrumentationScope,
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        template: key.slice(key.indexOf('\u0000') + 1),
        firstTimestamp: record.hrTime,
      };
      this.#pending++;
      this.#startTimer();
    }
    bucket.suppressed++;
    bucket.lastSuppressedAt = now;
    bucket.lastTimestamp = record.hrTime;
    this.#stats.recordDropped('burst');
    return false;
  }

  /** Emits the summaries of bursts that ended (all of them when `all`, e.g. on flush). */
  summarize(all: boolean): void {
    if (this.#pending === 0) return;
    const now = this.#clock();
    for (const bucket of this.#buckets.values()) {
      if (bucket.suppressed === 0 || bucket.summary === undefined || bucket.lastTimestamp === undefined)
        continue;
      const ended = now - bucket.lastSuppressedAt >= BURST_QUIET_MILLIS;
      const overdue = now - bucket.firstSuppressedAt >= BURST_MAX_SUMMARY_INTERVAL_MILLIS;
      if (!all && !ended && !overdue) continue;
      const summary: BurstSummary = {
        ...bucket.summary,
        suppressedCount: bucket.suppressed,
        lastTimestamp: bucket.lastTimestamp,
        perTemplatePerSecond: this.#perSecond,
      };
      bucket.suppressed = 0;
      bucket.summary = undefined;
      bucket.lastTimestamp = undefined;
      this.#pending--;
      this.#emit(new BurstSummaryRecord(summary, millisToHrTime(Date.now())));
    }
    if (this.#pending === 0) this.stop();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #startTimer(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.summarize(false), BURST_QUIET_MILLIS / 2);
    this.#timer.unref();
  }

  /** Forgets buckets that are full and have nothing pending; true when room was made. */
  #forgetIdle(now: number): boolean {
    for (const [key, bucket] of this.#buckets) {
      const refilled = bucket.tokens + ((now - bucket.refilledAt) * this.#perSecond) / 1000;
      if (bucket.suppressed === 0 && refilled >= this.#perSecond) this.#buckets.delete(key);
    }
    return this.#buckets.size < BURST_MAX_TEMPLATES;
  }
}

function templateKey(record: ReadWriteLogRecord): string {
  const body = record.body;
  const template = typeof body === 'string' ? body.slice(0, TEMPLATE_KEY_LENGTH) : (record.eventName ?? '');
  return `${record.instrumentationScope.name}\u0000${template}`;
}
