import { context, type Context } from '@opentelemetry/api';
import {
  createRequestContext,
  getDefaultRequestIdSettings,
  type RequestContextInput,
  type RequestIdSettings,
} from './create-request-context.ts';
import type { RequestContext } from './request-context.ts';
import { endRequest, markRequestFailed } from './request-lifecycle.ts';

/**
 * Runs `fn` inside a request context (see `createRequestContext`). Everything `fn` starts,
 * synchronously or through promises, timers and callbacks, sees the same context. The request
 * ends when `fn` returns or its promise settles; a throw or a rejection marks it failed first.
 *
 * @example
 * runWithRequestContext({ headers: req.headers }, () => logger.info('charge created'));
 */
export function runWithRequestContext<T>(
  input: RequestContextInput,
  fn: () => T,
  settings: RequestIdSettings = getDefaultRequestIdSettings(),
): T {
  return runRequest(createRequestContext(input, settings), fn);
}

/** Runs `fn` in a request context built already, ending the request when `fn`'s work is done. */
export function runRequest<T>(created: { context: Context; request: RequestContext }, fn: () => T): T {
  const { context: ctx, request } = created;
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (error) {
    markRequestFailed(request);
    endRequest(request);
    throw error;
  }
  if (result instanceof Promise) {
    result.then(
      () => endRequest(request),
      () => {
        markRequestFailed(request);
        endRequest(request);
      },
    );
  } else {
    endRequest(request);
  }
  return result;
}
