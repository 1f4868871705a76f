import { channel } from 'node:diagnostics_channel';
import { context, propagation, type Context } from '@opentelemetry/api';
import { getDefaultRequestIdSettings } from '../context/create-request-context.ts';
import { requestContextFrom } from '../context/request-context.ts';
import { w3cPropagator } from '../context/w3c-carrier.ts';

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

/**
 * The headers an outgoing call needs so the next service continues this request:
 * `traceparent`, `tracestate`, `baggage` (W3C) and the request-id header, all lowercase.
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
  const headers: Record<string, string> = {};
  w3cPropagator.inject(ctx, headers, headerSetter);
  const leftToInstrumentation =
    client !== 'http' && undiciRequestCreated.hasSubscribers ? keysInjectedByGlobalPropagator(ctx) : [];
  for (const name of leftToInstrumentation) delete headers[name];
  const request = requestContextFrom(ctx);
  if (request !== undefined) headers[getDefaultRequestIdSettings().header] = request.requestId;
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
 * `Request`'s own headers), replacing values already there. When the OTel undici
 * instrumentation will append its own W3C headers, copies of them already present are removed,
 * so the next service sees each header once.
 *
 * @example
 * const response = await fetchWithContext('http://payments/charges', { method: 'POST', body });
 */
export function fetchWithContext(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  const { headers: added, leftToInstrumentation } = plan('fetch', context.active());
  for (const name of leftToInstrumentation) headers.delete(name);
  for (const [name, value] of Object.entries(added)) headers.set(name, value);
  return fetch(input, { ...init, headers });
}
