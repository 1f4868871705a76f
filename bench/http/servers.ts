import { fileURLToPath, pathToFileURL } from 'node:url';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { fastifyRequestContext } from '@fastify/request-context';
import { pinoHttp } from 'pino-http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogweavePipeline, type LogweavePipeline } from '../peers/logweave-pipeline.ts';
import type { HttpVariant } from './variants.ts';

/** A started server: its port, and how to drain whatever its logger buffered. */
export interface RunningServer {
  port: number;
  pipeline?: LogweavePipeline;
  close(): Promise<void>;
}

/** Raised when a contender depends on code that has not landed yet. */
export class NotAvailableYet extends Error {}

const BODY = { ok: true };

/*
 * The integrations are imported from their source entry points, the files the package's
 * `logweave/express` and `logweave/fastify` exports are built from.
 */
const INTEGRATION_ROOT = fileURLToPath(new URL('../../integrations/', import.meta.url));

async function importIntegration<T>(name: 'express' | 'fastify'): Promise<T> {
  const entry = `${INTEGRATION_ROOT}${name}/index.ts`;
  try {
    return (await import(pathToFileURL(entry).href)) as T;
  } catch (error) {
    throw new NotAvailableYet(
      `logweave/${name} could not be loaded from integrations/${name}/index.ts (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/*
 * One INFO per request is the integration's access record (as pino-http writes one line per
 * request); the policy keeps `share` of them. 100 % also goes through the policy, so the two
 * logweave rows differ only in how many records are kept.
 */
function logweaveFor(share: number): LogweavePipeline {
  return createLogweavePipeline({ sampling: { default: { info: share } } });
}

function listenExpress(app: express.Express): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) reject(error);
      else resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

async function startExpress(setup: (app: express.Express) => void, pipeline?: LogweavePipeline) {
  const app = express();
  setup(app);
  app.get('/orders/:id', (_req, res) => {
    res.json(BODY);
  });
  const { server, port } = await listenExpress(app);
  return {
    port,
    pipeline,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startFastify(app: FastifyInstance, pipeline?: LogweavePipeline): Promise<RunningServer> {
  app.get('/orders/:id', async () => BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, pipeline, close: () => app.close() };
}

interface ExpressIntegration {
  logweaveExpress(logging: LogweavePipeline['logging']): express.RequestHandler;
}

interface FastifyIntegration {
  logweaveFastify: Parameters<FastifyInstance['register']>[0];
}

async function startLogweaveExpress(share: number): Promise<RunningServer> {
  const { logweaveExpress } = await importIntegration<ExpressIntegration>('express');
  const pipeline = logweaveFor(share);
  return startExpress((app) => app.use(logweaveExpress(pipeline.logging)), pipeline);
}

async function startLogweaveFastify(share: number): Promise<RunningServer> {
  const { logweaveFastify } = await importIntegration<FastifyIntegration>('fastify');
  const pipeline = logweaveFor(share);
  const app = Fastify();
  await app.register(logweaveFastify, { logging: pipeline.logging });
  return startFastify(app, pipeline);
}

/** Starts `variant` on 127.0.0.1 on a free port. Loggers that print write to stdout (/dev/null). */
export async function startServer(variant: HttpVariant): Promise<RunningServer> {
  switch (variant) {
    case 'express bare':
      return startExpress(() => {});
    case 'express + pino-http':
      return startExpress((app) => app.use(pinoHttp()));
    case 'express + logweave 10 % INFO':
      return startLogweaveExpress(0.1);
    case 'express + logweave 100 % INFO':
      return startLogweaveExpress(1);
    case 'fastify bare':
      return startFastify(Fastify());
    case 'fastify logger: true':
      return startFastify(Fastify({ logger: true }));
    case 'fastify + @fastify/request-context': {
      const app = Fastify();
      await app.register(fastifyRequestContext);
      app.addHook('onRequest', async (request) => {
        request.requestContext.set('requestId' as never, request.id as never);
      });
      return startFastify(app);
    }
    case 'fastify + logweave 10 % INFO':
      return startLogweaveFastify(0.1);
    case 'fastify + logweave 100 % INFO':
      return startLogweaveFastify(1);
  }
}
