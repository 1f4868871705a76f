import { context, createContextKey, type Context } from '@opentelemetry/api';
import { LogweaveError } from '../core/logweave-error.ts';

/** What logweave knows about the request the current code runs for. */
export interface RequestContext {
  /** The accepted incoming request id, or a generated UUID. */
  readonly requestId: string;
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** This service's span id for the request (16 lowercase hex characters). */
  readonly spanId: string;
  /** W3C trace flags (bit 0: sampled; bit 1: random trace id, set on traces logweave starts). */
  readonly traceFlags: number;
  /** The caller's span id when the request continued an incoming trace. */
  readonly parentSpanId: string | undefined;
  /**
   * Whether the request carries a valid keep token (`logweave.keep` in its baggage, signed with
   * `signals.secret`): then every record of it is kept (`logweave.sampling.rule=forced`).
   */
  readonly forced: boolean;
}

const REQUEST_CONTEXT_KEY = createContextKey('logweave.request-context');

/** `ctx` carrying `request` (the request context of everything that runs in it). */
export function withRequestContext(ctx: Context, request: RequestContext): Context {
  return ctx.setValue(REQUEST_CONTEXT_KEY, request);
}

/** The request context carried by `ctx`, if any. */
export function requestContextFrom(ctx: Context): RequestContext | undefined {
  return ctx.getValue(REQUEST_CONTEXT_KEY) as RequestContext | undefined;
}

/** The current request context, or undefined outside a request. */
export function tryGetRequestContext(): RequestContext | undefined {
  return requestContextFrom(context.active());
}

/** The current request context; throws `LogweaveError` (`LOGWEAVE_ERR_NO_REQUEST_CONTEXT`) outside a request. */
export function getRequestContext(): RequestContext {
  const request = tryGetRequestContext();
  if (request === undefined) {
    throw new LogweaveError(
      'LOGWEAVE_ERR_NO_REQUEST_CONTEXT',
      'getRequestContext() was called outside a request context; use tryGetRequestContext() where that can happen',
    );
  }
  return request;
}
