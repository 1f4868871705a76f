import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api';
import Fastify, { type FastifyInstance } from 'fastify';
import { LogweaveConfigError, tryGetRequestContext } from '../../src/index.ts';
import { onRequestFailed } from '../../src/context/request-lifecycle.ts';
import { logweaveFastify, type LogweaveFastifyOptions } from '../../integrations/fastify/index.ts';
import { until } from '../helpers/until.ts';
import { attribute, listen, memoryLogging, send } from './support/http-fixtures.ts';

const PARENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

async function withApp(
  configure: (app: FastifyInstance, logging: ReturnType<typeof memoryLogging>['logging']) => void,
  run: (url: string, records: ReturnType<typeof memoryLogging>['records'], failed: string[]) => Promise<void>,
  options: Omit<LogweaveFastifyOptions, 'logging'> = {},
): Promise<void> {
  const { logging, records } = memoryLogging('fastify-behaviour');
  const failed: string[] = [];
  const unsubscribe = onRequestFailed((request) => failed.push(request.requestId));
  const app = Fastify();
  await app.register(logweaveFastify, { logging, ...options });
  configure(app, logging);
  await app.ready();
  const server = await listen(app.server);
  try {
    await run(server.url, records, failed);
  } finally {
    unsubscribe();
    await app.close();
    await server.close();
    await logging.shutdown();
  }
}

describe('Fastify integration', () => {
  test('continues the incoming trace; access record with the route template; request.logweave', async () => {
    await withApp(
      (app, logging) =>
        app.get('/users/:id', async (request) => {
          logging.getLogger('app').info('handled');
          return { requestId: request.logweave.requestId, traceId: request.logweave.traceId };
        }),
      async (url, records) => {
        const response = await send(`${url}/users/42?x=1`, {
          headers: { traceparent: `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01`, 'x-request-id': 'f-1' },
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers['x-request-id'], 'f-1');
        assert.deepEqual(JSON.parse(response.body), { requestId: 'f-1', traceId: PARENT_TRACE_ID });
        const all = await records();
        assert.equal(all.length, 2);
        for (const record of all) {
          assert.equal(record.spanContext?.traceId, PARENT_TRACE_ID);
          assert.notEqual(record.spanContext?.spanId, PARENT_SPAN_ID);
          assert.equal(attribute(record, 'request.id'), 'f-1');
        }
        const access = all.find((record) => record.body === 'request completed');
        assert.ok(access);
        assert.equal(access.severityNumber, SeverityNumber.INFO);
        assert.equal(attribute(access, 'http.request.method'), 'GET');
        assert.equal(attribute(access, 'http.route'), '/users/:id');
        assert.equal(attribute(access, 'url.path'), '/users/42');
        assert.equal(attribute(access, 'http.response.status_code'), 200);
        assert.equal(typeof attribute(access, 'http.server.request.duration'), 'number');
      },
    );
  });

  test('a thrown error: logged once (ERROR, exception.*), setErrorHandler runs in the context, request failed', async () => {
    await withApp(
      (app, logging) => {
        app.setErrorHandler(async (error, _request, reply) => {
          // A timer inside the error handler: the context has to survive it (its length is irrelevant).
          await new Promise((resolve) => setTimeout(resolve, 2));
          logging
            .getLogger('app')
            .info('error handler', { seen: tryGetRequestContext()?.requestId ?? 'none' });
          return reply.status(500).send({ message: (error as Error).message });
        });
        app.get('/boom', async () => {
          throw new RangeError('out of range');
        });
      },
      async (url, records, failed) => {
        const response = await send(`${url}/boom`);
        assert.equal(response.status, 500);
        const requestId = response.headers['x-request-id'];
        const all = await records();
        const errors = all.filter((record) => record.body === 'request failed');
        assert.equal(errors.length, 1);
        assert.equal(errors[0]?.severityNumber, SeverityNumber.ERROR);
        assert.equal(attribute(errors[0]!, 'exception.type'), 'RangeError');
        assert.equal(attribute(errors[0]!, 'exception.message'), 'out of range');
        assert.equal(attribute(errors[0]!, 'http.route'), '/boom');
        const handler = all.find((record) => record.body === 'error handler');
        assert.equal(handler && attribute(handler, 'seen'), requestId);
        const access = all.find((record) => record.body === 'request completed');
        assert.equal(access?.severityNumber, SeverityNumber.ERROR);
        assert.equal(access && attribute(access, 'error.type'), 'RangeError');
        assert.deepEqual(failed, [requestId]);
      },
    );
  });

  test('invalid JSON: the parser error reaches onError in the context, WARN once, not failed', async () => {
    await withApp(
      (app, logging) => {
        app.addHook('onError', async () => {
          logging
            .getLogger('app')
            .info('user onError', { seen: tryGetRequestContext()?.requestId ?? 'none' });
        });
        app.post('/', async () => 'never');
      },
      async (url, records, failed) => {
        const response = await send(url, { rawBody: '{"broken": ' });
        assert.equal(response.status, 400);
        const requestId = response.headers['x-request-id'];
        const all = await records();
        const errors = all.filter((record) => record.body === 'request failed');
        assert.equal(errors.length, 1);
        assert.equal(errors[0]?.severityNumber, SeverityNumber.WARN);
        const userHook = all.find((record) => record.body === 'user onError');
        assert.equal(userHook && attribute(userHook, 'seen'), requestId);
        const access = all.find((record) => record.body === 'request completed');
        assert.equal(access?.severityNumber, SeverityNumber.WARN);
        assert.equal(access && attribute(access, 'http.response.status_code'), 400);
        assert.deepEqual(failed, []);
      },
    );
  });

  test('a 404 has no route; a 5xx reply marks the request failed', async () => {
    await withApp(
      (app) => app.get('/down', async (_request, reply) => reply.status(502).send('bad gateway')),
      async (url, records, failed) => {
        const missing = await send(`${url}/nowhere`);
        const down = await send(`${url}/down`);
        assert.equal(missing.status, 404);
        const all = await records();
        const missingAccess = all.find(
          (record) => attribute(record, 'request.id') === missing.headers['x-request-id'],
        );
        assert.equal(missingAccess && attribute(missingAccess, 'http.route'), undefined);
        assert.equal(missingAccess?.severityNumber, SeverityNumber.WARN);
        assert.deepEqual(failed, [down.headers['x-request-id']]);
      },
    );
  });

  test('a client that goes away: one "request aborted" record, onRequestAbort runs in the context', async () => {
    let handlerEntered!: () => void;
    const entered = new Promise<void>((resolve) => (handlerEntered = resolve));
    let finishHandler!: () => void;
    const mayFinish = new Promise<void>((resolve) => (finishHandler = resolve));
    let handlerFinished!: () => void;
    const finished = new Promise<void>((resolve) => (handlerFinished = resolve));
    await withApp(
      (app, logging) => {
        app.addHook('onRequestAbort', async (request) => {
          logging.getLogger('app').info('user onRequestAbort', {
            seen: tryGetRequestContext()?.requestId ?? 'none',
            decorated: request.logweave.requestId,
          });
        });
        app.get('/slow', async () => {
          handlerEntered();
          // Still working when the client goes away; answers once the test lets it.
          await mayFinish;
          handlerFinished();
          return 'late';
        });
      },
      async (url, records) => {
        const req = httpRequest(`${url}/slow`, { headers: { 'x-request-id': 'gone-1' } });
        req.on('error', () => undefined);
        req.end();
        await entered;
        req.destroy();
        let all = await records();
        await until(async () => (all = await records()).length >= 2, 'the abort records');
        const aborted = all.filter((record) => record.body === 'request aborted');
        assert.equal(aborted.length, 1);
        assert.equal(aborted[0]?.severityNumber, SeverityNumber.WARN);
        assert.equal(attribute(aborted[0]!, 'request.id'), 'gone-1');
        const hook = all.find((record) => record.body === 'user onRequestAbort');
        assert.equal(hook && attribute(hook, 'seen'), 'gone-1');
        assert.equal(hook && attribute(hook, 'decorated'), 'gone-1');
        // The handler finishing later writes nothing more for this request. Time has to pass
        // after it returned for the claim to mean anything (the old 300 ms handler gave 50 ms).
        finishHandler();
        await finished;
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal((await records()).filter((record) => record.body !== 'user onRequestAbort').length, 1);
      },
    );
  });

  test('invalid plugin options reject register() with LogweaveConfigError', async () => {
    const { logging } = memoryLogging('fastify-options');
    const app = Fastify();
    await assert.rejects(
      async () => {
        await app.register(logweaveFastify, {
          logging,
          accessLog: { severity: { aborted: 'meh' as 'warn' } },
        });
      },
      (error: unknown) =>
        error instanceof LogweaveConfigError && error.path === 'logweaveFastify.accessLog.severity.aborted',
    );
    const bare = Fastify();
    await assert.rejects(
      async () => {
        await bare.register(logweaveFastify, {} as LogweaveFastifyOptions);
      },
      (error: unknown) => error instanceof LogweaveConfigError && error.path === 'logweaveFastify.logging',
    );
    await logging.shutdown();
  });
});
