import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context, type Context } from '@opentelemetry/api';
import type { Logging } from '../create-logging.ts';
import type { RequestContext } from '../context/request-context.ts';
import { endRequest, markRequestFailed } from '../context/request-lifecycle.ts';
import type { Logger } from '../logger.ts';
import { accessAttributes, outcomeOf, requestAttributes } from './access-record.ts';
import { internalErrorReporter } from '../diagnostics/pipeline-diagnostics.ts';
import { bindEmitterToContext } from './bind-emitter.ts';
import type { ResolvedHttpOptions } from './http-options.ts';

/** Framework-specific facts the shared request logic asks for when it needs them. */
export interface FrameworkFacts {
  /** The matched route template, read when the response is done (routers set it late). */
  route(): string | undefined;
  /** The URL as the client sent it. */
  originalUrl(): string | undefined;
  /**
   * Whether listeners added later to the response must be re-entered into the request's
   * context too (those added to the request always are: body readers, custom parsers). Express
   * needs it (any middleware may listen to the response); Fastify does not: its response
   * callbacks are hooks the plugin re-enters itself. Binding an emitter costs ~7 µs of CPU per
   * request (`npm run bench -- --only http`).
   */
  bindResponse: boolean;
}

/** What an integration needs to run a server request in logweave's context. */
export interface HttpIntegration {
  readonly logging: Logging;
  readonly options: ResolvedHttpOptions;
  readonly logger: Logger;
}

const serverRequests = new WeakMap<IncomingMessage, ServerRequest>();

/** The logweave state of a server request, if the integration saw it. */
export function serverRequestOf(req: IncomingMessage): ServerRequest | undefined {
  return serverRequests.get(req);
}

/**
 * One incoming request from the first byte to the last: its context, the request-id header on
 * the response, the single access record, the single error record, and the failed/ended
 * signals the sampling error buffer listens to. Frameworks only tell it when things happen.
 */
export class ServerRequest {
  readonly context: Context;
  readonly request: RequestContext;
  readonly #integration: HttpIntegration;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #facts: FrameworkFacts;
  readonly #startMillis = performance.now();
  #errorType: string | undefined;
  #errorLogged = false;
  #finished = false;

  /** Builds the request's context (see `createRequestContext`) from the active one and the headers. */
  constructor(
    integration: HttpIntegration,
    req: IncomingMessage,
    res: ServerResponse,
    facts: FrameworkFacts,
  ) {
    this.#integration = integration;
    this.#req = req;
    this.#res = res;
    this.#facts = facts;
    const created = integration.logging.createRequestContext({ headers: req.headers });
    this.context = created.context;
    this.request = created.request;
    serverRequests.set(req, this);
    if (integration.options.echoRequestId && !res.headersSent) {
      res.setHeader(integration.logging.requestIdSettings.header, created.request.requestId);
    }
    // Registered before the emitters are bound: finish() enters the context itself.
    res.once('finish', () => this.finish(false));
    res.once('close', () => this.finish(!res.writableFinished));
    // Context re-entry for everything that listens to the request or response later (body
    // parsers' 'data'/'end', on-finished, compression): those callbacks run in the socket's
    // async context, where AsyncLocalStorage has lost the request. See bind-emitter.ts.
    bindEmitterToContext(req, this.context);
    if (facts.bindResponse) bindEmitterToContext(res, this.context);
  }

  /** Runs `fn` inside the request's context. */
  run<T>(fn: () => T): T {
    return context.with(this.context, fn);
  }

  /**
   * Logs a thrown error once with `exception.*` attributes and marks the request failed
   * (errors with a 4xx status: WARN, and failed only with `clientErrorsFail`).
   */
  recordError(error: unknown): void {
    if (this.#errorLogged) return;
    this.#errorLogged = true;
    try {
      const status = httpStatusOf(error);
      const clientError = status !== undefined && status < 500;
      this.#errorType = errorTypeOf(error);
      this.run(() => {
        if (!clientError || this.#integration.options.clientErrorsFail) markRequestFailed(this.request);
        const attributes = {
          ...requestAttributes(this.#req, this.#facts.route(), this.#facts.originalUrl()),
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
      this.run(() => {
        if (!aborted && this.#res.statusCode >= 500) markRequestFailed(this.request);
        if (this.#integration.options.accessLog) this.#writeAccessRecord(aborted);
        endRequest(this.request);
      });
    } catch (fault) {
      this.#reportFault('finishing a request', fault);
    }
  }

  #writeAccessRecord(aborted: boolean): void {
    const facts = {
      req: this.#req,
      res: this.#res,
      route: this.#facts.route(),
      originalUrl: this.#facts.originalUrl(),
      durationSeconds: (performance.now() - this.#startMillis) / 1000,
      aborted,
      errorType: this.#errorType,
    };
    const severity = this.#integration.options.severity[outcomeOf(facts)];
    const logger = this.#integration.logger;
    // Gate first: a sampled-out access record costs no attribute building. Asking twice (here
    // and in the facade) gives the same answer: inside a request the decision comes from the trace id.
    if (!logger.isEnabled(severity)) return;
    logger[severity](aborted ? 'request aborted' : 'request completed', accessAttributes(facts));
  }

  #reportFault(what: string, fault: unknown): void {
    internalErrorReporter(this.#integration.logging.diagnostics)(what, fault);
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
