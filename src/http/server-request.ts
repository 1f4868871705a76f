import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context, type Context, type Logger as OtelLogger } from '@opentelemetry/api';
import { SEVERITY_NUMBER_BY_NAME } from '../core/severity.ts';
import { createServerRequestContext } from '../context/create-request-context.ts';
import type { RequestIdSettings } from '../context/create-request-context.ts';
import type { RequestContext } from '../context/request-context.ts';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { endRequest, markRequestFailed } from '../context/request-lifecycle.ts';
import type { Logger } from '../logger/logger.ts';
import { accessAttributes, outcomeOf, requestAttributes } from './access-record.ts';
import { bindEmitterToContext } from './bind-emitter.ts';
import { answerFailureOn } from './outcome-header.ts';
import type { ResolvedHttpOptions } from './http-options.ts';

/**
 * Framework-specific facts the shared request logic asks for when it needs them. One object per
 * integration (not per request): the functions receive the framework's request object.
 */
export interface FrameworkFacts<R> {
  /** The matched route template, read when the response is done (routers set it late). */
  route(request: R): string | undefined;
  /** The URL as the client sent it. */
  originalUrl(request: R): string | undefined;
  /**
   * Whether listeners added later to the response must be re-entered into the request's
   * context too (those added to the request always are: body readers, custom parsers). Express
   * needs it (any middleware may listen to the response); Fastify does not: its response
   * callbacks are hooks the plugin re-enters itself.
   */
  bindResponse: boolean;
}

/** The part of `Logging` (what `createLogging()` returns) the HTTP integrations use. */
export interface HttpPipeline {
  getLogger(name: string): Logger;
  readonly loggerProvider: { getLogger(name: string): OtelLogger };
  readonly requestIdSettings: RequestIdSettings;
  readonly diagnostics: DiagnosticReporter;
}

/** What an integration needs to run a server request in logweave's context. */
export interface HttpIntegration {
  readonly logging: HttpPipeline;
  readonly options: ResolvedHttpOptions;
  readonly logger: Logger;
  /** The same logger's OTel side: its `enabled()` takes the request's context explicitly. */
  readonly otelLogger: OtelLogger;
}

/** The integration state both frameworks build once, when they are set up. */
export function createHttpIntegration(logging: HttpPipeline, options: ResolvedHttpOptions): HttpIntegration {
  return {
    logging,
    options,
    logger: logging.getLogger(options.loggerName),
    otelLogger: logging.loggerProvider.getLogger(options.loggerName),
  };
}

/*
 * The ServerRequest of a raw request, as a symbol property rather than a WeakMap entry: every
 * request set one, and short-lived WeakMap keys made garbage collection measurably slower.
 */
const SERVER_REQUEST = Symbol('logweave.serverRequest');
type WithServerRequest = IncomingMessage & { [SERVER_REQUEST]?: ServerRequest<unknown> };

/** A request's context built before the integration saw the request (see `earlyRequestContext`). */
const EARLY_CONTEXT = Symbol('logweave.earlyRequestContext');
type WithEarlyContext = IncomingMessage & {
  [EARLY_CONTEXT]?: { context: Context; request: RequestContext };
};

/**
 * Builds a request's context ahead of the integration, for a framework that wants the request id
 * before its first hook runs (Fastify's `genReqId`, which names the request's logger): the
 * `ServerRequest` made later for the same request uses this context, so the framework's id, the
 * logger's binding and every record's `request.id` are one id. Idempotent per request.
 */
export function earlyRequestContext(req: IncomingMessage, settings: RequestIdSettings): RequestContext {
  const early = req as WithEarlyContext;
  let created = early[EARLY_CONTEXT];
  if (created === undefined) {
    created = createServerRequestContext(req.headers, settings);
    early[EARLY_CONTEXT] = created;
  }
  return created.request;
}

/** The logweave state of a server request, if the integration saw it. */
export function serverRequestOf(req: IncomingMessage): ServerRequest<unknown> | undefined {
  return (req as WithServerRequest)[SERVER_REQUEST];
}

/**
 * One incoming request from the first byte to the last: its context, the single access record,
 * the single error record, and the failed/ended signals the sampling error buffer listens to.
 * Frameworks only tell it when things happen; they echo the request id themselves, each the
 * cheapest way it has (Fastify's reply headers, Express's `res.setHeader`).
 */
export class ServerRequest<R> {
  readonly context: Context;
  readonly request: RequestContext;
  readonly #integration: HttpIntegration;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #frameworkRequest: R;
  readonly #facts: FrameworkFacts<R>;
  readonly #startMillis = performance.now();
  #errorType: string | undefined;
  #errorLogged = false;
  #finished = false;

  /** Builds the request's context (see `createRequestContext`) from the active one and the headers. */
  constructor(
    integration: HttpIntegration,
    req: IncomingMessage,
    res: ServerResponse,
    frameworkRequest: R,
    facts: FrameworkFacts<R>,
  ) {
    this.#integration = integration;
    this.#req = req;
    this.#res = res;
    this.#frameworkRequest = frameworkRequest;
    this.#facts = facts;
    const created =
      (req as WithEarlyContext)[EARLY_CONTEXT] ??
      createServerRequestContext(req.headers, integration.logging.requestIdSettings);
    this.context = created.context;
    this.request = created.request;
    (req as WithServerRequest)[SERVER_REQUEST] = this as ServerRequest<unknown>;
    if (integration.options.answerFailure) answerFailureOn(this.request, res);
    // 'close' follows 'finish' on every response, and also comes alone when the client went
    // away first: one listener sees both. Registered before the emitters are bound, so it is not
    // wrapped: finish() enters the context only when it writes a record.
    res.on('close', () => this.finish(!res.writableFinished));
    // Context re-entry for everything that listens to the request or response later (body
    // parsers' 'data'/'end', on-finished, compression): those callbacks run in the socket's
    // async context, where AsyncLocalStorage has lost the request. See bind-emitter.ts.
    bindEmitterToContext(req, this.context);
    if (facts.bindResponse) bindEmitterToContext(res, this.context);
  }

  /** Runs `fn` inside the request's context. */
  run<T>(fn: () => T): T {
    // Most re-entry points (Fastify's hooks of a request without a body) are reached
    // synchronously from inside the context: entering it again would only allocate.
    if (context.active() === this.context) return fn();
    return context.with(this.context, fn);
  }

  /**
   * Logs a thrown error once with `exception.*` attributes and marks the request failed
   * (errors with a 4xx status: WARN, and failed only with `clientErrorsFail`). `status` is the
   * one the framework answers with, when it knows it better than the error's own fields.
   */
  recordError(error: unknown, status: number | undefined = httpStatusOf(error)): void {
    if (this.#errorLogged) return;
    this.#errorLogged = true;
    try {
      const clientError = status !== undefined && status < 500;
      this.#errorType = errorTypeOf(error);
      this.run(() => {
        if (!clientError || this.#integration.options.clientErrorsFail) markRequestFailed(this.request);
        const attributes = {
          ...requestAttributes(
            this.#req,
            this.#facts.route(this.#frameworkRequest),
            this.#facts.originalUrl(this.#frameworkRequest),
          ),
          err: error,
        };
        if (clientError) this.#integration.logger.warn('request failed', attributes);
        else this.#integration.logger.error('request failed', attributes);
      });
    } catch (fault) {
      this.#reportFault('recording a request error', fault);
    }
  }

  /** Ends the request once: 5xx marks it failed, the access record is written, the request ends. */
  finish(aborted: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    try {
      if (!aborted && this.#res.statusCode >= 500) markRequestFailed(this.request);
      if (this.#integration.options.accessLog) this.#writeAccessRecord(aborted);
      endRequest(this.request);
    } catch (fault) {
      this.#reportFault('finishing a request', fault);
    }
  }

  #writeAccessRecord(aborted: boolean): void {
    const severity = this.#integration.options.severity[outcomeOf(this.#res, aborted)];
    // Gate first, with the request's context passed rather than entered: a sampled-out access
    // record costs no attribute building and no context switch. The facade asks again inside
    // the context and gets the same answer (inside a request the decision comes from the trace id).
    const enabled = this.#integration.otelLogger.enabled({
      context: this.context,
      severityNumber: SEVERITY_NUMBER_BY_NAME[severity],
    });
    if (!enabled) return;
    const attributes = accessAttributes({
      req: this.#req,
      res: this.#res,
      route: this.#facts.route(this.#frameworkRequest),
      originalUrl: this.#facts.originalUrl(this.#frameworkRequest),
      durationSeconds: (performance.now() - this.#startMillis) / 1000,
      aborted,
      errorType: this.#errorType,
    });
    const logger = this.#integration.logger;
    this.run(() => logger[severity](aborted ? 'request aborted' : 'request completed', attributes));
  }

  #reportFault(what: string, fault: unknown): void {
    this.#integration.logging.diagnostics.reportError(what, fault);
  }
}

/** The HTTP status an error asks for (`statusCode` or `status`, 400..599), as Express and Fastify read it. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { statusCode?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  return typeof candidate === 'number' && Number.isInteger(candidate) && candidate >= 400 && candidate <= 599
    ? candidate
    : undefined;
}

function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}
