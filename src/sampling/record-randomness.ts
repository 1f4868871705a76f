import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import { hex28, randomnessHex } from './consistent-threshold.ts';

/** Where a record's 56-bit randomness came from. */
export type RandomnessSource = 'trace' | 'request' | 'random';

/**
 * Reads the 56-bit randomness a sampling decision compares with a rule's threshold, into the
 * public `hi` / `lo` fields (28 bits each) to avoid allocating a result per record:
 *  1. the explicit `rv` of the tracestate's `ot` entry, else the rightmost 56 bits of the trace id
 *     (so every service that follows the spec decides the same for the same trace);
 *  2. a hash of the request id, for records in a request without a trace;
 *  3. otherwise the next value of a pseudo-random sequence started from a seed (`samplingSeed`),
 *     so the same seed and the same sequence of such records give the same values in every run.
 *
 * The last span context and request id are cached by identity: the records of one request share
 * one span context object, so their hex is parsed once.
 */
export class RecordRandomness {
  hi = 0;
  lo = 0;
  /** Whether the last trace randomness came from an explicit `rv` rather than the trace id. */
  explicit = false;
  #lastSpanContext: SpanContext | undefined;
  #lastSpanHi = -1;
  #lastSpanLo = -1;
  #lastSpanExplicit = false;
  #lastRequestId: string | undefined;
  #lastRequestHi = 0;
  #lastRequestLo = 0;
  #state: number;
  #randomHi = 0;
  #randomLo = 0;
  #hexHi = -1;
  #hexLo = -1;
  #hex = '';

  /** `seed`: any text; equal seeds start equal sequences. */
  constructor(seed: string) {
    // xorshift32 must not start at zero; the finaliser spreads seeds that differ in one character.
    this.#state = mix32(fnv1a32(seed, 0x811c9dc5)) | 0 || 0x1e3779b9;
  }

  /**
   * The loaded value as 14 hex digits (`rv` encoding); the last one is remembered, so the
   * records of one request or trace share one string.
   */
  hex(): string {
    if (this.hi !== this.#hexHi || this.lo !== this.#hexLo) {
      this.#hexHi = this.hi;
      this.#hexLo = this.lo;
      this.#hex = randomnessHex(this.hi, this.lo);
    }
    return this.#hex;
  }

  /** Loads the randomness of a trace; false when the span context has none usable. */
  fromSpanContext(spanContext: SpanContext): boolean {
    if (spanContext !== this.#lastSpanContext) {
      this.#lastSpanContext = spanContext;
      this.#parseSpanContext(spanContext);
    }
    if (this.#lastSpanHi < 0) return false;
    this.hi = this.#lastSpanHi;
    this.lo = this.#lastSpanLo;
    this.explicit = this.#lastSpanExplicit;
    return true;
  }

  /** Loads randomness derived from a request id (the same id gives the same value everywhere in logweave). */
  fromRequestId(requestId: string): void {
    if (requestId !== this.#lastRequestId) {
      this.#lastRequestId = requestId;
      this.#lastRequestHi = fnv1a32(requestId, 0x811c9dc5) >>> 4;
      this.#lastRequestLo = fnv1a32(requestId, 0x01000193) >>> 4;
    }
    this.hi = this.#lastRequestHi;
    this.lo = this.#lastRequestLo;
    this.explicit = false;
  }

  /**
   * Loads the next value of the pseudo-random sequence, for a record with neither a trace nor a
   * request. Each record is decided once (the gate's decision is reused by `onEmit`), and draws
   * at most once, so the same seed and the same sequence of such records give the same values.
   */
  fromRandomSequence(): void {
    this.#draw();
    this.hi = this.#randomHi;
    this.lo = this.#randomLo;
    this.explicit = false;
  }

  #draw(): void {
    this.#randomHi = this.#next() >>> 4;
    this.#randomLo = this.#next() >>> 4;
  }

  /** xorshift32; the state stays a small integer (int32) so V8 keeps it unboxed. */
  #next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x | 0;
    return x >>> 0;
  }

  #parseSpanContext(spanContext: SpanContext): void {
    this.#lastSpanHi = -1;
    this.#lastSpanExplicit = false;
    // The SDK puts only valid span contexts on records; deciding from an invalid one here would
    // make the gate and onEmit disagree.
    if (!isSpanContextValid(spanContext)) return;
    const explicit = spanContext.traceState?.get('ot');
    if (explicit !== undefined && this.#parseRv(explicit)) return;
    const traceId = spanContext.traceId;
    if (typeof traceId !== 'string' || traceId.length !== 32) return;
    const hi = hex28(traceId, 18);
    const lo = hex28(traceId, 25);
    if (hi < 0 || lo < 0) return;
    this.#lastSpanHi = hi;
    this.#lastSpanLo = lo;
  }

  /** `ot=th:…;rv:<14 hex>` — the explicit randomness, when well formed. */
  #parseRv(otValue: string): boolean {
    for (const field of otValue.split(';')) {
      if (!field.startsWith('rv:') || field.length !== 17) continue;
      const hi = hex28(field, 3);
      const lo = hex28(field, 10);
      if (hi < 0 || lo < 0) return false;
      this.#lastSpanHi = hi;
      this.#lastSpanLo = lo;
      this.#lastSpanExplicit = true;
      return true;
    }
    return false;
  }
}

/** murmur3's 32-bit finaliser. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units; two offset bases give two independent 32-bit halves. */
function fnv1a32(text: string, offsetBasis: number): number {
  let hash = offsetBasis >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
