import { context } from '@opentelemetry/api';
import {
  createRequestContext,
  getDefaultRequestIdSettings,
  type RequestContextInput,
  type RequestIdSettings,
} from './create-request-context.ts';
import { endRequest, markRequestFailed } from './request-lifecycle.ts';

/**
 * Runs `fn` inside a request context (see `createRequestContext`). Everything `fn` starts,
 * synchronously or through promises, timers and callbacks, sees the same context.
 *
 * @example
 * runWithRequestContext({ headers: req.headers }, () => logger.info('charge created'));
 */
export function runWithRequestContext<T>(
  input: RequestContextInput,
  fn: () => T,
  settings: RequestIdSettings = getDefaultRequestIdSettings(),
): T {
  const { context: ctx, request } = createRequestContext(input, settings);
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (error) {
    markRequestFailed(request);
    endRequest(request);
    throw error;
  }
  if (result instanceof Promise) {
    // The request ends when its work settles; a rejection marks it failed first.
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
