import { trace, TraceFlags, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { parseTracestate, TRACESTATE_LIMITS } from './tracestate.ts';

/** Header values as Node, undici/fetch or a plain object hold them. */
export type HeaderValue = string | readonly string[] | number | undefined;
export type HeaderRecord = Readonly<Record<string, HeaderValue>>;
export interface HeadersLike {
  get(name: string): string | null;
}
export type IncomingHeaders = HeaderRecord | HeadersLike;

/** Size caps applied before the propagators see a header (W3C limits; see README "Limits"). */
export const HEADER_LIMITS = {
  /** traceparent: version 00 is 55 characters; future versions may append fields. */
  traceparentMaxLength: 512,
  /**
   * tracestate: W3C asks vendors to propagate at least 512 characters; a longer list is cut by
   * whole entries to this length (see `tracestate.ts`), not dropped.
   */
  tracestateMaxLength: TRACESTATE_LIMITS.maxLength,
  /** baggage: W3C Baggage limits (8192 bytes, 64 members). */
  baggageMaxBytes: 8192,
  baggageMaxEntries: 64,
  /** Raw header text examined at most (all duplicates together); the rest is ignored unread. */
  scanMaxLength: 65_536,
} as const;

/**
 * "Random Trace ID Flag" (Trace Context Level 2): set on the traces logweave starts, whose
 * trace ids are random in all 16 bytes (`ids.ts`).
 */
export const TRACE_FLAG_RANDOM = 0x02;

/** Trace flags W3C defines: sampled (0x01) and, in Trace Context Level 2, random (0x02). */
const KNOWN_TRACE_FLAGS = TraceFlags.SAMPLED | TRACE_FLAG_RANDOM;

/**
 * The OTel W3C trace-context propagator with two parts brought up to Trace Context Level 2:
 *
 * - trace flags: only the flags W3C defines are kept. "Other Flags": vendors "MUST set those to
 *   zero"; the OTel injector would also print a flags value of 0x10 or more as three hex digits
 *   (`-0d0`), an invalid traceparent (found by the fuzz tests).
 * - tracestate: parsed with logweave's parser (`tracestate.ts`, "tracestate Header Field
 *   Values"), whose key grammar, whole-header discard and truncation follow the current spec
 *   where `@opentelemetry/core` 3.1 does not. An empty tracestate is not sent ("Vendors MUST
 *   accept empty tracestate headers but SHOULD avoid sending them").
 *
 * The traceparent parsing and writing are OTel's, unchanged.
 */
class Level2TraceContextPropagator extends W3CTraceContextPropagator {
  override inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (spanContext?.traceState !== undefined && spanContext.traceState.serialize() === '') {
      context = trace.setSpanContext(context, { ...spanContext, traceState: undefined });
    }
    super.inject(context, carrier, setter);
  }

  override extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = super.extract(context, carrier, getter);
    const spanContext = extracted === context ? undefined : trace.getSpanContext(extracted);
    if (spanContext === undefined) return extracted;
    const header = getter.get(carrier, 'tracestate');
    const parsed = parseTracestate(Array.isArray(header) ? header.join(',') : (header ?? ''));
    return trace.setSpanContext(extracted, {
      ...spanContext,
      traceFlags: spanContext.traceFlags & KNOWN_TRACE_FLAGS,
      traceState: typeof parsed === 'string' || parsed.size === 0 ? undefined : parsed,
    });
  }
}

/** The W3C trace-context + baggage propagator shared by extraction and injection. */
export const w3cPropagator = new CompositePropagator({
  propagators: [new Level2TraceContextPropagator(), new W3CBaggagePropagator()],
});

function isHeadersLike(headers: IncomingHeaders): headers is HeadersLike {
  return typeof (headers as HeadersLike).get === 'function';
}

/**
 * Reads one header case-insensitively and returns every value it has (Node joins some
 * duplicated headers with ", ", keeps others as arrays; fetch Headers joins them all).
 * `lowercaseNames`: the record's names are lowercase already (Node's `IncomingMessage.headers`),
 * so an absent header costs one lookup instead of a scan of every name.
 */
export function readHeaderValues(headers: IncomingHeaders, name: string, lowercaseNames = false): string[] {
  if (isHeadersLike(headers)) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  let value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined && !lowercaseNames) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Keeps the first members of a baggage header within the W3C byte and member limits. */
function capBaggage(value: string): string | undefined {
  const kept: string[] = [];
  let bytes = 0;
  // indexOf rather than split: a huge hostile header costs no more than the members kept.
  for (let start = 0; start < value.length;) {
    const comma = value.indexOf(',', start);
    const end = comma === -1 ? value.length : comma;
    const trimmed = value.slice(start, end).trim();
    start = end + 1;
    if (trimmed === '') continue;
    const memberBytes = Buffer.byteLength(trimmed) + (kept.length > 0 ? 1 : 0);
    if (kept.length >= HEADER_LIMITS.baggageMaxEntries || bytes + memberBytes > HEADER_LIMITS.baggageMaxBytes)
      break;
    kept.push(trimmed);
    bytes += memberBytes;
  }
  return kept.length > 0 ? kept.join(',') : undefined;
}

/**
 * Turns incoming headers into the single, capped values the W3C propagators should see:
 * a duplicated or oversized traceparent counts as absent (a new trace starts, as the W3C
 * test suite expects), duplicated tracestate/baggage headers are combined as the specs say
 * (RFC 9110 "Field Order"), and a tracestate comes only with a traceparent.
 */
export function normalizeW3cHeaders(
  headers: IncomingHeaders,
  lowercaseNames = false,
): Record<string, string> {
  const carrier: Record<string, string> = {};
  const traceparent = readHeaderValues(headers, 'traceparent', lowercaseNames);
  const single = traceparent.length === 1 ? traceparent[0] : undefined;
  if (single !== undefined && single.length <= HEADER_LIMITS.traceparentMaxLength && !single.includes(',')) {
    // Node's HTTP parser trims the value already; a carrier from elsewhere may not be.
    carrier['traceparent'] = trimOws(single);
    const tracestate = joinBounded(readHeaderValues(headers, 'tracestate', lowercaseNames));
    // Parsed (and cut to 512 characters) by the propagator; one longer than the scan limit was
    // not read whole and cannot be parsed, so it is discarded.
    if (tracestate !== '' && tracestate.length < HEADER_LIMITS.scanMaxLength) {
      carrier['tracestate'] = tracestate;
    }
  }
  const baggage = capBaggage(joinBounded(readHeaderValues(headers, 'baggage', lowercaseNames)));
  if (baggage !== undefined) carrier['baggage'] = baggage;
  return carrier;
}

/**
 * A field value without the spaces and tabs around it (RFC 9110 "Field Values": leading and
 * trailing whitespace is not part of the value). A loop, not `/[ \t]+$/`, which backtracks
 * quadratically on a long run of spaces that does not end the string.
 */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Duplicated list headers combined with "," (as RFC 9110 allows), reading at most `scanMaxLength` characters. */
function joinBounded(values: readonly string[]): string {
  let joined = '';
  for (const value of values) {
    joined = joined === '' ? value : `${joined},${value}`;
    if (joined.length >= HEADER_LIMITS.scanMaxLength) return joined.slice(0, HEADER_LIMITS.scanMaxLength);
  }
  return joined;
}

/** Getter over an already-normalised carrier. */
export const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
