/**
 * `logweave/express`: request context, request-id header, access record and error logging for
 * Express 4 and 5. Framework glue only; the logic lives in `src/http`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logging } from '../../src/create-logging.ts';
import { resolveHttpOptions, type HttpIntegrationOptions } from '../../src/http/http-options.ts';
import { isReleaseCall, serveReleaseCall } from '../../src/http/release-endpoint.ts';
import {
  createHttpIntegration,
  ServerRequest,
  serverRequestOf,
  type FrameworkFacts,
} from '../../src/http/server-request.ts';

export type {
  AccessLogOptions,
  HttpIntegrationOptions,
  RequestOutcome,
} from '../../src/http/http-options.ts';

/** The parts of Express's `Request` logweave reads (structural, so Express 4 and 5 both fit). */
export interface ExpressRequestLike extends IncomingMessage {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
}

/** `(req, res, next)`: assignable to Express's `RequestHandler`. */
export type LogweaveExpressMiddleware = (
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** `(err, req, res, next)`: assignable to Express's `ErrorRequestHandler`. */
export type LogweaveExpressErrorMiddleware = (
  error: unknown,
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Runs every request in its logweave request context: W3C `traceparent`/`tracestate`/`baggage`
 * and the request-id header are read and validated, the request id is echoed on the response,
 * and one access record is written when the response is done. Mount it first, before body
 * parsers; the context then stays active in every later middleware, handler and error handler.
 * Throws `LogweaveConfigError` for invalid options.
 *
 * @example
 * const app = express();
 * app.use(logweaveExpress(logging));
 * app.use(express.json());
 * app.post('/charges', (req, res) => { log.info('charge created'); res.json({ ok: true }); });
 * app.use(logweaveExpressErrors()); // after the routes: logs thrown errors once, with exception.*
 */
export function logweaveExpress(
  logging: Logging,
  options?: HttpIntegrationOptions,
): LogweaveExpressMiddleware {
  const resolved = resolveHttpOptions(options, 'logweaveExpress');
  const integration = createHttpIntegration(logging, resolved);
  const echoHeader = resolved.echoRequestId ? logging.requestIdSettings.header : undefined;
  const report = (message: string): void => logging.diagnostics.report('release_call', message);
  return function logweaveMiddleware(req, res, next) {
    // A sibling's release call (only with a signal secret): answered here, never routed.
    if (isReleaseCall(req.method, req.url)) {
      serveReleaseCall(req, res, report);
      return;
    }
    const existing = serverRequestOf(req);
    if (existing !== undefined) {
      // Mounted twice (app and sub-app): one context, one access record per request.
      // Context re-entry: the second mount may run after a middleware that lost the context.
      existing.run(next);
      return;
    }
    let serverRequest: ServerRequest<ExpressRequestLike>;
    try {
      serverRequest = new ServerRequest(integration, req, res, req, EXPRESS_FACTS);
      if (echoHeader !== undefined && !res.headersSent) {
        res.setHeader(echoHeader, serverRequest.request.requestId);
      }
    } catch (fault) {
      logging.diagnostics.reportError('starting a request context', fault);
      next();
      return;
    }
    // Context entry: every later middleware runs from this call (or from callbacks bound to it).
    serverRequest.run(next);
  };
}

/**
 * Error middleware: logs an error passed to `next(err)` or thrown by a handler once, with
 * `exception.*` attributes, marks the request failed (see `clientErrorsFail`), then hands the
 * error on to your error handlers. Mount it after the routes and before your own error handlers.
 */
export function logweaveExpressErrors(): LogweaveExpressErrorMiddleware {
  return function logweaveErrorMiddleware(error, req, _res, next) {
    const serverRequest = serverRequestOf(req);
    if (serverRequest === undefined) {
      next(error);
      return;
    }
    serverRequest.recordError(error);
    // Context re-entry: next(err) may be called from a callback that lost the context (a
    // driver's callback, a timer set up outside the request); the error handlers get it back.
    serverRequest.run(() => next(error));
  };
}

const EXPRESS_FACTS: FrameworkFacts<ExpressRequestLike> = {
  route: routeOf,
  originalUrl: (req) => req.originalUrl,
  // Any middleware may listen to the response (on-finished, compression).
  bindResponse: true,
};

// Express sets req.route when a route matched; baseUrl adds the mount path of a sub-router.
function routeOf(req: ExpressRequestLike): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  return `${req.baseUrl ?? ''}${path}`;
}
