import { ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';

/*
 * One realistic log line, identical for every contender: a message, two call-site attributes,
 * the request id and the trace/span ids of the request it belongs to.
 */
export const MESSAGE = 'charge created';
export const REQUEST_ID = 'req-7f3a9c2e41';
export const SPAN_ID = '00f067aa0ba902b7';

/** Builds the call-site attributes afresh at each call, as application code does. */
export function callAttributes(): { 'order.id': string; amount: number } {
  return { 'order.id': 'ord-1042', amount: 42 };
}

/*
 * Trace ids whose randomness (the rightmost 56 bits, as OTel consistent probability sampling
 * reads it) is at the bottom and at the top of the range: a rule at any probability below 1
 * drops the first and keeps the second.
 */
export const TRACE_ID_SAMPLED_OUT = '4bf92f3577b34da6a300000000000001';
export const TRACE_ID_KEPT = '4bf92f3577b34da6a3fffffffffffffe';

export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${SPAN_ID}-01`;
}

/** The incoming headers of the benchmark request (W3C traceparent and our request id). */
export function requestHeaders(traceId: string = TRACE_ID_KEPT): Record<string, string> {
  return { traceparent: traceparentFor(traceId), 'x-request-id': REQUEST_ID };
}

/** An OTel context with the request's span, for contenders that read the trace from OTel. */
export function spanContextFor(traceId: string = TRACE_ID_KEPT): Context {
  return trace.setSpan(
    ROOT_CONTEXT,
    trace.wrapSpanContext({ traceId, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: false }),
  );
}
