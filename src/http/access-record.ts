import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { RequestOutcome } from './http-options.ts';

/*
 * Still "development" in the semantic conventions, so copied here rather than imported from
 * the incubating entry point (as the semantic-conventions README recommends).
 */
const ATTR_HTTP_REQUEST_BODY_SIZE = 'http.request.body.size';
const ATTR_HTTP_RESPONSE_BODY_SIZE = 'http.response.body.size';

/** Methods the HTTP semantic conventions name; anything else is reported as `_OTHER`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
  'QUERY',
]);

/** What the integration knows when the response is done. */
export interface AccessFacts {
  req: IncomingMessage;
  res: ServerResponse;
  /** The matched route template (`/users/:id`), when the framework found one. */
  route: string | undefined;
  /** Path as the client sent it (Express rewrites `req.url` inside mounted routers). */
  originalUrl: string | undefined;
  durationSeconds: number;
  aborted: boolean;
  /** The error type of a thrown error, if one surfaced. */
  errorType: string | undefined;
}

/** The outcome that picks the access record's severity. */
export function outcomeOf(res: ServerResponse, aborted: boolean): RequestOutcome {
  if (aborted) return 'aborted';
  const status = res.statusCode;
  if (status >= 500) return 'serverError';
  if (status >= 400) return 'clientError';
  return 'success';
}

/** Semantic-convention attributes of one server request, for its access record. */
export function accessAttributes(facts: AccessFacts): Attributes {
  const { req, res } = facts;
  const attributes: Attributes = requestAttributes(req, facts.route, facts.originalUrl);
  attributes[ATTR_URL_SCHEME] =
    (req.socket as Partial<TLSSocket> | null)?.encrypted === true ? 'https' : 'http';
  attributes[ATTR_NETWORK_PROTOCOL_VERSION] = req.httpVersion;
  const userAgent = req.headers['user-agent'];
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  const requestSize = contentLength(req.headers['content-length']);
  if (requestSize !== undefined) attributes[ATTR_HTTP_REQUEST_BODY_SIZE] = requestSize;
  if (res.headersSent) {
    attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = res.statusCode;
    const responseSize = contentLength(res.getHeader('content-length'));
    if (responseSize !== undefined) attributes[ATTR_HTTP_RESPONSE_BODY_SIZE] = responseSize;
  }
  attributes[METRIC_HTTP_SERVER_REQUEST_DURATION] = facts.durationSeconds;
  // error.type: the exception type when one surfaced, else the status code of a 5xx (semconv).
  if (facts.errorType !== undefined) attributes[ATTR_ERROR_TYPE] = facts.errorType;
  else if (facts.aborted) attributes[ATTR_ERROR_TYPE] = 'aborted';
  else if (res.statusCode >= 500) attributes[ATTR_ERROR_TYPE] = String(res.statusCode);
  return attributes;
}

/** Method, path and route: also put on the error record so it can be read on its own. */
export function requestAttributes(
  req: IncomingMessage,
  route: string | undefined,
  originalUrl: string | undefined,
): Attributes {
  const attributes: Attributes = {};
  const method = req.method ?? 'GET';
  if (KNOWN_METHODS.has(method)) {
    attributes[ATTR_HTTP_REQUEST_METHOD] = method;
  } else {
    attributes[ATTR_HTTP_REQUEST_METHOD] = '_OTHER';
    attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
  }
  if (route !== undefined) attributes[ATTR_HTTP_ROUTE] = route;
  attributes[ATTR_URL_PATH] = pathOf(originalUrl ?? req.url ?? '/');
  return attributes;
}

// The query string may hold secrets (tokens, e-mail addresses): only the path is recorded.
function pathOf(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

function contentLength(value: string | number | string[] | undefined): number | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  const size = typeof value === 'number' ? value : Number(value);
  return Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}
