import { tryGetRequestContext, type RequestContext } from './request-context.ts';

type RequestListener = (request: RequestContext) => void;

const failedListeners = new Set<RequestListener>();
const endedListeners = new Set<RequestListener>();
const failedRequests = new WeakSet<RequestContext>();

function notify(listeners: Set<RequestListener>, request: RequestContext): void {
  for (const listener of listeners) {
    try {
      listener(request);
    } catch {
      // A listener is logweave's own code (error buffer, stats); it must not break the request.
    }
  }
}

/**
 * Marks the current (or given) request as failed, so records that sampling held back for it
 * are kept (see the error buffer). Integrations call this for a 5xx or a thrown error; call it
 * yourself for failures that do not surface as either. Idempotent.
 */
export function markRequestFailed(request: RequestContext | undefined = tryGetRequestContext()): void {
  if (request === undefined || failedRequests.has(request)) return;
  failedRequests.add(request);
  notify(failedListeners, request);
}

/** Whether `markRequestFailed` was called for this request. */
export function isRequestFailed(request: RequestContext): boolean {
  return failedRequests.has(request);
}

/** Ends a request: what sampling held back for a request that did not fail is discarded. */
export function endRequest(request: RequestContext): void {
  notify(endedListeners, request);
}

/** Subscribes to failures; returns the unsubscribe function. */
export function onRequestFailed(listener: RequestListener): () => void {
  failedListeners.add(listener);
  return () => failedListeners.delete(listener);
}

/** Subscribes to request ends; returns the unsubscribe function. */
export function onRequestEnded(listener: RequestListener): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}
