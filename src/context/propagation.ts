import { context, type Context } from '@opentelemetry/api';
import { getDefaultRequestIdSettings, type RequestContextInput } from './create-request-context.ts';
import { requestContextFrom } from './request-context.ts';
import { runWithRequestContext } from './run-with-request-context.ts';
import { w3cPropagator } from './w3c-carrier.ts';

/** Mutable outgoing headers: a plain object, or anything with `set` (fetch `Headers`). */
export type OutgoingHeaders =
  Record<string, string | string[] | number | undefined> | { set(name: string, value: string): void };

function setHeader(headers: OutgoingHeaders, name: string, value: string): void {
  if (typeof (headers as { set?: unknown }).set === 'function') {
    (headers as { set(name: string, value: string): void }).set(name, value);
  } else {
    (headers as Record<string, string>)[name] = value;
  }
}

/**
 * Writes `traceparent`, `tracestate`, `baggage` and the request-id header for an outgoing call,
 * so the next service continues this request's trace. Existing values are overwritten, never
 * duplicated. Returns `headers` for chaining.
 *
 * @example
 * await fetch(url, { headers: injectContext({ 'content-type': 'application/json' }) });
 */
export function injectContext<T extends OutgoingHeaders>(headers: T, ctx: Context = context.active()): T {
  const carrier: Record<string, string> = {};
  w3cPropagator.inject(ctx, carrier, { set: (target, key, value) => (target[key] = value) });
  for (const [name, value] of Object.entries(carrier)) setHeader(headers, name, value);
  const request = requestContextFrom(ctx);
  if (request !== undefined) setHeader(headers, getDefaultRequestIdSettings().header, request.requestId);
  return headers;
}

/** A structured-clonable snapshot of the current context, for `postMessage` to a worker thread. */
export interface CapturedContext {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  requestId?: string;
}

/**
 * Captures the current request context as plain strings that survive `postMessage`.
 * Pair with `runWithCapturedContext` on the other side.
 */
export function captureContext(ctx: Context = context.active()): CapturedContext {
  const carrier: Record<string, string> = {};
  w3cPropagator.inject(ctx, carrier, { set: (target, key, value) => (target[key] = value) });
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
  return runWithRequestContext(input, fn);
}

/**
 * The OTel environment-variable carriers (`TRACEPARENT`, `TRACESTATE`, `BAGGAGE`) plus
 * `LOGWEAVE_REQUEST_ID` for a child process: a child that calls `createLogging()` continues
 * this trace with this request id.
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
