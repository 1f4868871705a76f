import { tryGetRequestContext, type RequestContext } from './request-context.ts';

/**
 * Why a request counts as failed, and so why the records held back for it are kept:
 * - `failed`: it logged an ERROR, answered 5xx, threw, or `markRequestFailed()` was called;
 * - `upstream_failure`: a service it called answered that its own request failed
 *   (`logweave-outcome: failed`), even if this request then succeeded (a fallback, a retry).
 */
export type FailureReason = 'failed' | 'upstream_failure';

type RequestListener = (request: RequestContext, reason: FailureReason) => void;
type EndListener = (request: RequestContext) => void;
type TraceListener = (traceId: string) => void;

const failedListeners = new Set<RequestListener>();
const endedListeners = new Set<EndListener>();
const releasedListeners = new Set<TraceListener>();
const failures = new WeakMap<RequestContext, FailureReason>();

function notify<A extends unknown[]>(listeners: Set<(...args: A) => void>, ...args: A): void {
  for (const listener of listeners) {
    try {
      listener(...args);
    } catch {
      // A listener is logweave's own code (error buffer, stats); it must not break the request.
    }
  }
}

/**
 * Marks the current (or given) request as failed, so records that sampling held back for it
 * are kept (see the error buffer), also when it has ended already (within the buffer's grace
 * period). Integrations call this for a 5xx or a thrown error, and `fetchWithContext` for a
 * callee that answered failed; call it yourself for failures that surface as neither.
 * Idempotent: the first reason is the one recorded.
 */
export function markRequestFailed(
  request: RequestContext | undefined = tryGetRequestContext(),
  reason: FailureReason = 'failed',
): void {
  if (request === undefined || failures.has(request)) return;
  failures.set(request, reason);
  notify(failedListeners, request, reason);
}

/** Whether the request was marked failed. */
export function isRequestFailed(request: RequestContext): boolean {
  return failures.has(request);
}

/** Why the request was marked failed, undefined when it was not. */
export function failureReasonOf(request: RequestContext): FailureReason | undefined {
  return failures.get(request);
}

/** Ends a request: what sampling held back for a request that did not fail waits out the grace period. */
export function endRequest(request: RequestContext): void {
  notify(endedListeners, request);
}

/**
 * Releases what every pipeline of this process holds for the trace `traceId` (requests running
 * or ended within the grace period), because a failure somewhere in the trace was reported
 * (the authenticated release endpoint of the integrations calls it).
 */
export function releaseTrace(traceId: string): void {
  notify(releasedListeners, traceId);
}

/** Subscribes to failures; returns the unsubscribe function. */
export function onRequestFailed(listener: RequestListener): () => void {
  failedListeners.add(listener);
  return () => failedListeners.delete(listener);
}

/** Subscribes to request ends; returns the unsubscribe function. */
export function onRequestEnded(listener: EndListener): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

/** Subscribes to trace releases; returns the unsubscribe function. */
export function onTraceReleased(listener: TraceListener): () => void {
  releasedListeners.add(listener);
  return () => releasedListeners.delete(listener);
}
