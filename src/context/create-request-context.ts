import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { isSpanContextValid, TraceFlags } from '@opentelemetry/api';
import { ensureContextManager } from './context-manager.ts';
import { carriesKeepToken } from './keep-token.ts';
import { withRequestContext, type RequestContext } from './request-context.ts';
import { generateSpanId, generateTraceId } from './ids.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { acceptRequestId, generateRequestId } from './request-id.ts';
import {
  normalizeW3cHeaders,
  readHeaderValues,
  recordGetter,
  TRACE_FLAG_RANDOM,
  w3cPropagator,
  type IncomingHeaders,
} from './w3c-carrier.ts';

/** Where a request's identity comes from: incoming headers, or the carriers themselves. */
export interface RequestContextInput {
  /** Incoming HTTP headers (Node `IncomingHttpHeaders`, fetch `Headers`, or a plain object). */
  headers?: IncomingHeaders;
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  requestId?: string;
}

/** How request ids are read; set per `createLogging()` (defaults documented in `RequestIdOptions`). */
export interface RequestIdSettings {
  header: string;
  maxLength: number;
}

let contextManagerEnsured = false;
const BUILT_IN_SETTINGS: RequestIdSettings = Object.freeze({ ...DEFAULTS.requestId });
/** Settings of the pipelines alive, newest last: the free functions follow the newest one. */
const registered: RequestIdSettings[] = [];

/**
 * Makes the free functions (`runWithRequestContext`, `injectContext`, …) follow a pipeline's
 * `requestId` options while it lives; the returned function hands them back to the pipeline
 * created before it (or the defaults), so a short-lived second pipeline cannot leave its
 * header behind.
 */
export function registerRequestIdSettings(settings: RequestIdSettings): () => void {
  registered.push(settings);
  return () => {
    const index = registered.lastIndexOf(settings);
    if (index !== -1) registered.splice(index, 1);
  };
}

export function getDefaultRequestIdSettings(): RequestIdSettings {
  return registered.at(-1) ?? BUILT_IN_SETTINGS;
}

interface Carrier {
  w3c: Record<string, string>;
  requestId: string | undefined;
}

function carrierOfHeaders(
  headers: IncomingHeaders,
  settings: RequestIdSettings,
  lowercaseNames: boolean,
): Carrier {
  const ids = readHeaderValues(headers, settings.header, lowercaseNames);
  // A duplicated request-id header is ambiguous: generate rather than pick one.
  const requestId = ids.length === 1 ? acceptRequestId(ids[0], settings.maxLength) : undefined;
  return { w3c: normalizeW3cHeaders(headers, lowercaseNames), requestId };
}

function carrierOf(input: RequestContextInput, settings: RequestIdSettings): Carrier {
  if (input.headers !== undefined) return carrierOfHeaders(input.headers, settings, false);
  const headers: Record<string, string> = {};
  if (input.traceparent !== undefined) headers['traceparent'] = input.traceparent;
  if (input.tracestate !== undefined) headers['tracestate'] = input.tracestate;
  if (input.baggage !== undefined) headers['baggage'] = input.baggage;
  return {
    w3c: normalizeW3cHeaders(headers),
    requestId: acceptRequestId(input.requestId, settings.maxLength),
  };
}

/**
 * Builds the OTel `Context` for a request without entering it: the request context, the
 * baggage, and a span context. An active valid span (made by the OTel HTTP/Express/Fastify
 * instrumentation) is used as it is, so there is no second span and no second trace id.
 * Otherwise the incoming traceparent is continued with a fresh span id of this service, or,
 * when it is absent or invalid, a new trace starts (W3C: an invalid traceparent is ignored).
 */
export function createRequestContext(
  input: RequestContextInput,
  settings: RequestIdSettings = getDefaultRequestIdSettings(),
  parent: Context = context.active(),
): { context: Context; request: RequestContext } {
  return contextFromCarrier(carrierOf(input, settings), parent);
}

/**
 * `createRequestContext` for a server's `IncomingMessage.headers`, whose names Node has
 * lowercased: headers a request does not send cost a lookup each, not a scan of every name.
 */
export function createServerRequestContext(
  headers: IncomingHttpHeaders,
  settings: RequestIdSettings,
  parent: Context = context.active(),
): { context: Context; request: RequestContext } {
  // Most requests of a service nobody traces carry none of these: skip the carrier objects.
  if (
    headers['traceparent'] === undefined &&
    headers['baggage'] === undefined &&
    headers[settings.header] === undefined
  ) {
    return contextFromCarrier(NO_CARRIER, parent);
  }
  return contextFromCarrier(carrierOfHeaders(headers, settings, true), parent);
}

const NO_CARRIER: Carrier = Object.freeze({ w3c: Object.freeze({}), requestId: undefined });

function contextFromCarrier(
  { w3c, requestId }: Carrier,
  parent: Context,
): { context: Context; request: RequestContext } {
  // The free functions work before (or without) createLogging(): without a context manager
  // the context would silently not propagate.
  if (!contextManagerEnsured) {
    ensureContextManager();
    contextManagerEnsured = true;
  }
  const activeSpanContext = trace.getSpanContext(parent);
  let ctx = parent;
  let request: RequestContext;
  if (activeSpanContext !== undefined && isSpanContextValid(activeSpanContext)) {
    // Instrumentation already extracted the headers into this span; only baggage may be missing.
    if (w3c['baggage'] !== undefined && propagation.getBaggage(ctx) === undefined) {
      ctx = w3cPropagator.extract(ctx, { baggage: w3c['baggage'] }, recordGetter);
    }
    request = {
      requestId: requestId ?? generateRequestId(),
      traceId: activeSpanContext.traceId,
      spanId: activeSpanContext.spanId,
      traceFlags: activeSpanContext.traceFlags,
      parentSpanId: undefined,
      forced: carriesKeepToken(ctx, activeSpanContext.traceId),
    };
  } else {
    // An invalid span in the parent must not be mistaken for the remote one; nothing to extract
    // from a request without W3C headers (most requests of a service nobody traces).
    if (activeSpanContext !== undefined) ctx = trace.deleteSpan(ctx);
    if (w3c['traceparent'] !== undefined || w3c['baggage'] !== undefined) {
      ctx = w3cPropagator.extract(ctx, w3c, recordGetter);
    }
    const remote = trace.getSpanContext(ctx);
    const continues = remote !== undefined && isSpanContextValid(remote);
    const spanContext = {
      traceId: continues ? remote.traceId : generateTraceId(),
      spanId: generateSpanId(),
      // A trace started here is marked sampled (its records are being recorded) and random: its
      // trace id is random in all 16 bytes (W3C Level 2, "Random Trace ID Flag"). A continued
      // trace keeps the caller's flags, the undefined bits already cleared by the propagator.
      traceFlags: continues ? remote.traceFlags : TraceFlags.SAMPLED | TRACE_FLAG_RANDOM,
      traceState: continues ? remote.traceState : undefined,
      isRemote: false,
    };
    ctx = trace.setSpan(ctx, trace.wrapSpanContext(spanContext));
    request = {
      requestId: requestId ?? generateRequestId(),
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      traceFlags: spanContext.traceFlags,
      parentSpanId: continues ? remote.spanId : undefined,
      // Only a continued trace can carry a keep token: it is signed for the caller's trace id.
      forced: continues && carriesKeepToken(ctx, spanContext.traceId),
    };
  }
  return { context: withRequestContext(ctx, request), request };
}
