import { context, type Context } from '@opentelemetry/api';
import { calleeRegistry } from './callee-registry.ts';
import { requestContextFrom, type RequestContext } from './request-context.ts';
import { markRequestFailed } from './request-lifecycle.ts';
import { signalSecret } from './signal-secret.ts';

/**
 * The response header by which a service says that its request failed although its status may
 * not show it (a fallback answered 200, an ERROR was logged, a call further down failed). The
 * integrations write it; `fetchWithContext` and `observeResponse` read it. W3C Trace Context
 * Level 2's `traceresponse` has no flag for this, hence a header of logweave's own.
 */
export const OUTCOME_HEADER = 'logweave-outcome';
/** The only value `OUTCOME_HEADER` takes. */
export const FAILED_OUTCOME = 'failed';

/** Per-call choices of `fetchWithContext` and `observeResponse`. */
export interface CallOptions {
  /**
   * Whether a callee's failure (a 5xx status, or `logweave-outcome: failed`) marks this
   * request failed too (`logweave.sampling.rule=upstream_failure`), so the lines it held are
   * kept and its own caller learns it. Turn it off for calls whose failure is expected and
   * uninteresting (probes, best-effort caches). Default: true.
   */
  followFailure?: boolean;
}

/** Response headers as fetch (`Headers`) or `node:http` (`IncomingHttpHeaders`) give them. */
export type ResponseHeaders =
  { get(name: string): string | null } | Readonly<Record<string, string | string[] | number | undefined>>;

/**
 * Reads a callee's answer for the request of `ctx`: a 5xx status or `logweave-outcome: failed`
 * marks it failed (reason `upstream_failure`). `fetchWithContext` does this itself; call it for
 * responses of other clients (`node:http`, undici, axios). Returns whether the callee failed.
 *
 * @example
 * http.request(url, { headers: propagationHeaders('http') }, (res) => observeResponse(res));
 */
export function observeResponse(
  response: { status?: number; statusCode?: number; headers?: ResponseHeaders },
  ctx: Context = context.active(),
  options: CallOptions = {},
): boolean {
  const request = requestContextFrom(ctx);
  return request === undefined ? false : followCallee(request, response, options);
}

/** `observeResponse` for a request captured when the call was made. */
export function followCallee(
  request: RequestContext,
  response: { status?: number; statusCode?: number; headers?: ResponseHeaders },
  options: CallOptions = {},
): boolean {
  const status = response.status ?? response.statusCode ?? 0;
  const failed = status >= 500 || outcomeOf(response.headers) === FAILED_OUTCOME;
  if (failed && options.followFailure !== false) markRequestFailed(request, 'upstream_failure');
  return failed;
}

/**
 * Remembers that the request of `ctx` calls `url`'s service, so that service is told to release
 * what it holds if this trace fails later (only while a signal secret is set). `fetchWithContext`
 * does this itself; call it for calls made with other clients.
 */
export function noteCallee(url: string | URL, ctx: Context = context.active()): void {
  if (signalSecret() === undefined) return;
  const request = requestContextFrom(ctx);
  if (request === undefined) return;
  try {
    calleeRegistry.note(request.traceId, new URL(url).origin);
  } catch {
    // Not an absolute URL: there is no service to tell later.
  }
}

function outcomeOf(headers: ResponseHeaders | undefined): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(OUTCOME_HEADER)?.trim() ?? undefined;
  }
  const value = (headers as Record<string, unknown>)[OUTCOME_HEADER];
  return typeof value === 'string' ? value.trim() : undefined;
}
