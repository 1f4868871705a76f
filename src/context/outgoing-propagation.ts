import { channel } from 'node:diagnostics_channel';
import { context, isSpanContextValid, propagation, trace, type Context } from '@opentelemetry/api';
import { generateSpanId } from './ids.ts';
import {
  createRequestContext,
  getDefaultRequestIdSettings,
  type RequestContextInput,
} from './create-request-context.ts';
import { requestContextFrom } from './request-context.ts';
import { runRequest } from './run-with-request-context.ts';
import { followCallee, noteCallee, type CallOptions } from './upstream-failure.ts';
import { w3cPropagator } from './w3c-carrier.ts';

/*
 * What an outgoing call carries so the next service, thread or process continues this request:
 * `traceparent`, `tracestate`, `baggage` (W3C) and the request-id header.
 *
 * The parent-id of a call's traceparent. W3C ("Processing Model", "A traceparent is Received",
 * step 4.1) asks that for each outgoing request the parent-id be "set to a value representing the
 * ID of the current operation", and the W3C test suite checks that three calls of one request
 * carry three different parent-ids. So a call made while the request's own span is active (no
 * client span of a tracer around it) gets a span id of its own, minted here: a client span
 * nobody else records. The records this service logs keep the request's span id; the next
 * service's `parentSpanId` is the call's id, which `propagationHeaders()`/`injectContext()`
 * return in the traceparent they write. When another span is active for the call (a tracer's
 * client span, or any span started inside the request), its id is the parent-id, as OTel does;
 * with the OTel undici/http instrumentation, the instrumentation's client span replaces it anyway.
 *
 * A snapshot for a worker thread or a child process (`captureContext`, `contextToEnv`) is not a
 * call to another service: it carries the request's span id, so the worker's or child's parent
 * is the span this service's records carry.
 */

/** Mutable outgoing headers: a plain object, or anything with `set` (fetch `Headers`). */
export type OutgoingHeaders =
  Record<string, string | string[] | number | undefined> | { set(name: string, value: string): void };

/**
 * The client an outgoing call is made with. `fetch` is Node's global fetch (built on undici);
 * `undici` the undici package's `request`/`fetch`; `http` is `node:http`/`node:https`.
 */
export type OutgoingClient = 'fetch' | 'undici' | 'http';

// The OTel undici instrumentation subscribes here and appends its own propagation headers.
const undiciRequestCreated = channel('undici:request:create');

const headerSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

function setHeader(headers: OutgoingHeaders, name: string, value: string): void {
  if (typeof (headers as { set?: unknown }).set === 'function') {
    (headers as { set(name: string, value: string): void }).set(name, value);
  } else {
    (headers as Record<string, string>)[name] = value;
  }
}

/**
 * `ctx` for one outgoing call: when the active span is the request's own span, the same trace
 * with a fresh span id for the call (see the note at the top of this file); otherwise `ctx`.
 */
function callContext(ctx: Context): Context {
  const request = requestContextFrom(ctx);
  const spanContext = trace.getSpanContext(ctx);
  if (request === undefined || spanContext === undefined || spanContext.spanId !== request.spanId) return ctx;
  if (!isSpanContextValid(spanContext)) return ctx;
  return trace.setSpanContext(ctx, { ...spanContext, spanId: generateSpanId(), isRemote: false });
}

/** The W3C headers and the request id for `ctx`, all lowercase. */
function headersFor(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  w3cPropagator.inject(ctx, headers, headerSetter);
  const request = requestContextFrom(ctx);
  if (request !== undefined) headers[getDefaultRequestIdSettings().header] = request.requestId;
  return headers;
}

/**
 * Writes `traceparent`, `tracestate`, `baggage` and the request-id header for an outgoing call,
 * so the next service continues this request's trace. Each call gets a parent-id of its own
 * (a fresh span id, unless a tracer's span is active for it). Existing values are overwritten,
 * never duplicated. Returns `headers` for chaining.
 *
 * @example
 * await fetch(url, { headers: injectContext({ 'content-type': 'application/json' }) });
 */
export function injectContext<T extends OutgoingHeaders>(headers: T, ctx: Context = context.active()): T {
  for (const [name, value] of Object.entries(headersFor(callContext(ctx)))) setHeader(headers, name, value);
  return headers;
}

/**
 * The headers an outgoing call needs so the next service continues this request:
 * `traceparent`, `tracestate`, `baggage` (W3C) and the request-id header, all lowercase. Each
 * call gets a parent-id of its own (a fresh span id, unless a tracer's span is active for it).
 *
 * No duplicates when OpenTelemetry instrumentation is also at work:
 * - `fetch`/`undici`: the OTel undici instrumentation *appends* the headers its global
 *   propagator injects (with its client span as parent). When it is active, those headers are
 *   left to it and only the rest (the request id, anything its propagator does not write) is
 *   returned.
 * - `http`: the OTel HTTP instrumentation *sets* the same lowercase keys on the options'
 *   headers object, replacing these values with its client span's; nothing is duplicated.
 *
 * @example
 * await fetch(url, { headers: { 'content-type': 'application/json', ...propagationHeaders() } });
 * http.request(url, { headers: propagationHeaders('http') });
 */
export function propagationHeaders(
  client: OutgoingClient = 'fetch',
  ctx: Context = context.active(),
): Record<string, string> {
  return plan(client, ctx).headers;
}

function plan(
  client: OutgoingClient,
  ctx: Context,
): { headers: Record<string, string>; leftToInstrumentation: string[] } {
  const headers = headersFor(callContext(ctx));
  const leftToInstrumentation =
    client !== 'http' && undiciRequestCreated.hasSubscribers ? keysInjectedByGlobalPropagator(ctx) : [];
  for (const name of leftToInstrumentation) delete headers[name];
  return { headers, leftToInstrumentation };
}

/** What the globally registered propagator (NodeSDK's, or a user's) writes for `ctx`; none with the no-op one. */
function keysInjectedByGlobalPropagator(ctx: Context): string[] {
  const probe: Record<string, string> = {};
  propagation.inject(ctx, probe, headerSetter);
  return Object.keys(probe).map((name) => name.toLowerCase());
}

/**
 * Global `fetch` with this request's propagation headers added to `init.headers` (or to the
 * `Request`'s own headers), replacing values already there; the traceparent names this call
 * (a fresh parent-id per call). When the OTel undici instrumentation will append its own W3C
 * headers, copies of them already present are removed, so the next service sees each header once.
 * A callee that answers 5xx or `logweave-outcome: failed` marks this request failed (see
 * `CallOptions.followFailure`).
 *
 * @example
 * const response = await fetchWithContext('http://payments/charges', { method: 'POST', body });
 */
export function fetchWithContext(
  input: string | URL | Request,
  init: RequestInit = {},
  options: CallOptions = {},
): Promise<Response> {
  const ctx = context.active();
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  const { headers: added, leftToInstrumentation } = plan('fetch', ctx);
  for (const name of leftToInstrumentation) headers.delete(name);
  for (const [name, value] of Object.entries(added)) headers.set(name, value);
  noteCallee(input instanceof Request ? input.url : input, ctx);
  const response = fetch(input, { ...init, headers });
  const request = requestContextFrom(ctx);
  if (request === undefined || options.followFailure === false) return response;
  return response.then((answer) => {
    followCallee(request, answer, options);
    return answer;
  });
}

/** A structured-clonable snapshot of the current context, for `postMessage` to a worker thread. */
export interface CapturedContext {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  requestId?: string;
}

/**
 * Captures the current request context as plain strings that survive `postMessage`; the
 * traceparent names the request's own span (the worker continues this request, it is not a call).
 * Pair with `runWithCapturedContext` on the other side.
 */
export function captureContext(ctx: Context = context.active()): CapturedContext {
  const carrier = headersFor(ctx);
  const captured: CapturedContext = {};
  if (carrier['traceparent'] !== undefined) captured.traceparent = carrier['traceparent'];
  if (carrier['tracestate'] !== undefined) captured.tracestate = carrier['tracestate'];
  if (carrier['baggage'] !== undefined) captured.baggage = carrier['baggage'];
  const request = requestContextFrom(ctx);
  if (request !== undefined) captured.requestId = request.requestId;
  return captured;
}

/** Runs `fn` in the context captured by `captureContext` (in a worker thread, a queue consumer…). */
export function runWithCapturedContext<T>(captured: CapturedContext, fn: () => T): T {
  const input: RequestContextInput = { ...captured };
  return runRequest(createRequestContext(input, getDefaultRequestIdSettings(), parentFor(captured)), fn);
}

/**
 * The context a captured one continues in. Where some other trace's span is active (a queue
 * consumer running inside whichever request drained it), that span is not the captured
 * request's: it is set aside, with that request's baggage, so the captured trace is continued.
 */
function parentFor(captured: CapturedContext): Context {
  const active = context.active();
  const span = trace.getSpanContext(active);
  if (captured.traceparent === undefined || span === undefined || !isSpanContextValid(span)) return active;
  const [, traceId, parentSpanId] = captured.traceparent.split('-');
  // The captured span itself (still active where the work was handed over) is continued under
  // a span of its own, like a worker's; a consumer span made for it in the same trace is kept.
  const consumerSpan = span.traceId === traceId && span.spanId !== parentSpanId;
  return consumerSpan ? active : propagation.deleteBaggage(trace.deleteSpan(active));
}

/**
 * The OTel environment-variable carriers (`TRACEPARENT`, `TRACESTATE`, `BAGGAGE`) plus
 * `LOGWEAVE_REQUEST_ID` for a child process: a child that calls `createLogging()` continues
 * this trace with this request id, as a child of this request's span.
 *
 * @example
 * spawn('node', ['job.js'], { env: { ...process.env, ...contextToEnv() } });
 */
export function contextToEnv(ctx: Context = context.active()): Record<string, string> {
  const captured = captureContext(ctx);
  const env: Record<string, string> = {};
  if (captured.traceparent !== undefined) env['TRACEPARENT'] = captured.traceparent;
  if (captured.tracestate !== undefined) env['TRACESTATE'] = captured.tracestate;
  if (captured.baggage !== undefined) env['BAGGAGE'] = captured.baggage;
  if (captured.requestId !== undefined) env['LOGWEAVE_REQUEST_ID'] = captured.requestId;
  return env;
}
