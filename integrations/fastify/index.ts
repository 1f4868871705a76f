/**
 * `logweave/fastify`: request context, request-id header, access record and error logging for
 * Fastify 5, as a `fastify-plugin` plugin. Framework glue only; the logic lives in `src/http`.
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import fastifyModule from 'fastify';
import type {
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  HookHandlerDoneFunction,
} from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { REQUEST_ID_ATTRIBUTE } from '../../src/core/attribute-names.ts';
import { LogweaveConfigError } from '../../src/core/config-error.ts';
import type { RequestContext } from '../../src/context/request-context.ts';
import type { Logging } from '../../src/create-logging.ts';
import {
  resolveHttpOptions,
  type HttpIntegrationOptions,
  type ResolvedHttpOptions,
} from '../../src/http/http-options.ts';
import {
  answerReleaseCall,
  RELEASE_MAX_BODY_BYTES,
  RELEASE_PATH,
  SIGNATURE_HEADER,
} from '../../src/http/release-endpoint.ts';
import {
  createHttpIntegration,
  earlyRequestContext,
  ServerRequest,
  serverRequestOf,
  type FrameworkFacts,
} from '../../src/http/server-request.ts';

export type {
  AccessLogOptions,
  HttpIntegrationOptions,
  RequestOutcome,
} from '../../src/http/http-options.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logweave request context (request id, trace id, span id), set in `onRequest`. */
    logweave: RequestContext;
  }
}

/** `app.register(logweaveFastify, { logging, ...options })`. */
export interface LogweaveFastifyOptions extends HttpIntegrationOptions {
  /** What `createLogging()` returned. Required. */
  logging: Logging;
}

// Options Fastify itself reads from register(); they reach the plugin too and are not ours.
const FASTIFY_REGISTER_OPTIONS = new Set(['prefix', 'logLevel', 'logSerializers']);

const plugin: FastifyPluginCallback<LogweaveFastifyOptions> = (fastify, pluginOptions, done) => {
  const { logging, ...rest } = pluginOptions;
  let resolved: ResolvedHttpOptions;
  try {
    if (
      typeof logging !== 'object' ||
      logging === null ||
      typeof logging.createRequestContext !== 'function'
    ) {
      throw new LogweaveConfigError(
        'logweaveFastify.logging',
        'the object createLogging() returned',
        logging,
      );
    }
    const ours = Object.fromEntries(
      Object.entries(rest).filter(([key]) => !FASTIFY_REGISTER_OPTIONS.has(key)),
    );
    resolved = resolveHttpOptions(ours, 'logweaveFastify');
  } catch (error) {
    // register() rejects with it, and app.ready()/listen() with it.
    done(error as Error);
    return;
  }
  const integration = createHttpIntegration(logging, resolved);

  fastify.decorateRequest('logweave', null as unknown as RequestContext);
  const echoHeader = resolved.echoRequestId ? logging.requestIdSettings.header : undefined;

  // Release calls from sibling services (answered only with a signal secret, else 404): no
  // request context and no access record of their own, like Express's early answer.
  const report = (message: string): void => logging.diagnostics.report('release_call', message);
  fastify.post(RELEASE_PATH, { bodyLimit: RELEASE_MAX_BODY_BYTES }, (request, reply) => {
    reply.code(answerReleaseCall(request.body, request.headers[SIGNATURE_HEADER], report)).send();
  });

  fastify.addHook('onRequest', (request, reply, next) => {
    if (request.url === RELEASE_PATH) {
      next();
      return;
    }
    let serverRequest: ServerRequest<FastifyRequest>;
    try {
      serverRequest = new ServerRequest(integration, request.raw, reply.raw, request, FASTIFY_FACTS);
    } catch (fault) {
      logging.diagnostics.reportError('starting a request context', fault);
      next();
      return;
    }
    request.logweave = serverRequest.request;
    // Reply headers, not reply.raw.setHeader: a header set on the raw response sends Fastify's
    // writeHead down Node's slow merging path.
    if (echoHeader !== undefined) reply.header(echoHeader, serverRequest.request.requestId);
    // Context entry: the rest of the hook chain, the body parser and the handler start from here.
    serverRequest.run(next);
  });

  // Context re-entry: the body is parsed from the socket's 'data'/'end' events, so preValidation
  // runs in a different async context than onRequest (the loss @fastify/request-context documents).
  fastify.addHook('preValidation', reenter);
  // Context re-entry: an async preValidation or validator resolving outside the request.
  fastify.addHook('preHandler', reenter);
  // Context re-entry: errors thrown while parsing the body arrive from the socket's context;
  // onError hooks run before the error handler, so setErrorHandler also runs in the context.
  fastify.addHook('onError', (request, reply, error, next) => {
    const serverRequest = serverRequestOf(request.raw);
    if (serverRequest === undefined) {
      next();
      return;
    }
    serverRequest.recordError(error);
    serverRequest.run(next);
  });
  // Context re-entry: onResponse runs from the response's 'finish' event (socket context).
  fastify.addHook('onResponse', reenter);
  // Context re-entry: timeouts are signalled from the socket's 'timeout' event.
  fastify.addHook('onTimeout', reenter);
  // No onRequestAbort hook: Fastify runs those from a 'close' listener it adds to the request
  // after the onRequest hooks, and listeners added to the request are bound to its context.
  // A hook here would make Fastify add that listener to every request.
  done();
};

const FASTIFY_FACTS: FrameworkFacts<FastifyRequest> = {
  route: (request) => request.routeOptions.url,
  originalUrl: (request) => request.url,
  // Fastify's response callbacks are the hooks above, which re-enter the context.
  bindResponse: false,
};

function reenter(request: FastifyRequest, _reply: FastifyReply, next: HookHandlerDoneFunction): void {
  const serverRequest = serverRequestOf(request.raw);
  if (serverRequest === undefined) next();
  else serverRequest.run(next);
}

/**
 * Runs every request in its logweave request context: W3C `traceparent`/`tracestate`/`baggage`
 * and the request-id header are read and validated, the request id is echoed on the reply,
 * thrown errors are logged once with `exception.*` attributes, and one access record is written
 * per request. The context stays active in every hook (also `preValidation`, `preHandler`,
 * `onError`, `setErrorHandler`, `onResponse`) and in handlers. Register it before other plugins.
 * Throws `LogweaveConfigError` for invalid options.
 *
 * @example
 * const app = Fastify();
 * await app.register(logweaveFastify, { logging });
 * app.post('/charges', async (request) => { log.info('charge created'); return { id: request.logweave.requestId }; });
 */
export const logweaveFastify = fastifyPlugin(plugin, { fastify: '5.x', name: 'logweave' });
export default logweaveFastify;

/** The Fastify server options `logweaveServerOptions()` returns (spread them into `Fastify({ … })`). */
export interface LogweaveServerOptions {
  genReqId: (req: IncomingMessage | Http2ServerRequest) => string;
  logController?: FastifyServerOptions['logController'];
  requestIdLogLabel?: string;
  disableRequestLogging?: boolean;
}

type LogControllerConstructor = new (options: {
  requestIdLogLabel: string;
  disableRequestLogging: boolean;
}) => NonNullable<FastifyServerOptions['logController']>;

/**
 * Fastify server options that make `request.log` speak logweave's ids:
 *
 * - `genReqId` builds the request's logweave context as soon as Fastify names the request, so
 *   `request.id`, the `request.log` binding and every record's `request.id` are logweave's id
 *   (the accepted `x-request-id`, or a UUID); the plugin's `onRequest` enters that same context.
 * - the request-id log label `request.id`: pino's own output shows the id under the OTel name.
 * - request logging disabled: Fastify logs "incoming request" before any hook runs, so outside
 *   the request's context (no trace; sampled on its own), and "request completed" after the
 *   response; the plugin's access record replaces both, in the context, with the HTTP
 *   semantic-convention attributes, and the plugin's `request failed` record replaces the error
 *   line of Fastify's default error handler. The sampling policy and error buffer govern them.
 *
 * A Fastify that exports `LogController` takes the last two through one (the top-level options
 * are deprecated there); older 5.x releases get the top-level `requestIdLogLabel` and
 * `disableRequestLogging`. Do not set Fastify's `requestIdHeader` beside it (logweave reads
 * `requestId.header` itself).
 *
 * @example
 * const destination = logweavePino(logging);
 * const app = Fastify({
 *   loggerInstance: pino({}, pino.multistream([{ stream: process.stdout }, { stream: destination }])),
 *   ...logweaveServerOptions(logging),
 * });
 * await app.register(logweaveFastify, { logging });
 * app.get('/orders/:id', async (request) => { request.log.info('loading order'); … });
 */
export function logweaveServerOptions(logging: Logging): LogweaveServerOptions {
  if (typeof logging !== 'object' || logging === null || typeof logging.requestIdSettings !== 'object') {
    throw new LogweaveConfigError(
      'logweaveServerOptions.logging',
      'the object createLogging() returned',
      logging,
    );
  }
  const settings = logging.requestIdSettings;
  // The plugin serves HTTP/1 requests; an HTTP/2 request has the same headers object.
  const genReqId = (req: IncomingMessage | Http2ServerRequest): string =>
    earlyRequestContext(req as IncomingMessage, settings).requestId;
  const LogController = (fastifyModule as unknown as { LogController?: LogControllerConstructor })
    .LogController;
  if (LogController === undefined) {
    return { genReqId, requestIdLogLabel: REQUEST_ID_ATTRIBUTE, disableRequestLogging: true };
  }
  return {
    genReqId,
    logController: new LogController({
      requestIdLogLabel: REQUEST_ID_ATTRIBUTE,
      disableRequestLogging: true,
    }),
  };
}
