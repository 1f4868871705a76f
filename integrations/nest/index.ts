/**
 * `logweave/nest`: NestJS glue. Nest runs on Express or Fastify, so the request context comes
 * from `logweave/express` or `logweave/fastify`; what Nest adds is its own exception layer, which
 * answers thrown errors itself, so the Express error middleware and Fastify's `onError` never see
 * them. `LogweaveExceptionFilter` tells logweave about them. Framework glue only; the logic lives
 * in `src/http`.
 */
import type { IncomingMessage } from 'node:http';
import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { serverRequestOf } from '../../src/http/server-request.ts';

/** The request a Nest HTTP handler gets: Express's request is Node's, Fastify's wraps it in `raw`. */
interface NestHttpRequest {
  raw?: IncomingMessage;
}

/**
 * Nest's default exception handling (`BaseExceptionFilter`: the same responses, the same
 * logging of unknown errors), plus logweave's: the error is logged once as `request failed` with
 * `exception.*` (ERROR, or WARN for a 4xx `HttpException`, as the Express and Fastify
 * integrations do), and a 5xx marks the request failed, so the lines sampling held back for it
 * are kept (error buffer). Register it as the global filter, with the logweave middleware or
 * plugin in front of Nest's routes.
 *
 * @example
 * // Express adapter
 * const app = await NestFactory.create(AppModule);
 * app.use(logweaveExpress(logging));
 * app.useGlobalFilters(new LogweaveExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
 * // or, in a module: providers: [{ provide: APP_FILTER, useClass: LogweaveExceptionFilter }]
 * // Fastify adapter
 * const app = await NestFactory.create(AppModule, new FastifyAdapter(logweaveServerOptions(logging)));
 * await app.register(logweaveFastify, { logging });
 */
export class LogweaveExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http') {
      const request = host.switchToHttp().getRequest<IncomingMessage & NestHttpRequest>();
      const raw = request.raw ?? request;
      serverRequestOf(raw)?.recordError(exception, statusOf(exception));
    }
    super.catch(exception, host);
  }
}
// Not decorator syntax (sources run through Node's type stripping): Catch() with no types catches all.
Catch()(LogweaveExceptionFilter);

/** `HttpException#getStatus()`, else what the error's own `statusCode`/`status` say. */
function statusOf(exception: unknown): number | undefined {
  const getStatus = (exception as { getStatus?: unknown } | null)?.getStatus;
  if (typeof getStatus !== 'function') return undefined;
  const status: unknown = getStatus.call(exception);
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}
