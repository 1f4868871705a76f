import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api';
import express, { type NextFunction, type Request, type Response } from 'express';
import { LogweaveConfigError, propagationHeaders, tryGetRequestContext } from '../../src/index.ts';
import { onRequestFailed } from '../../src/context/request-lifecycle.ts';
import { logweaveExpress, logweaveExpressErrors } from '../../integrations/express/index.ts';
import { until } from '../helpers/until.ts';
import { attribute, listen, memoryLogging, send } from './support/http-fixtures.ts';

const PARENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

async function withApp(
  configure: (app: express.Express, logging: ReturnType<typeof memoryLogging>['logging']) => void,
  run: (url: string, records: ReturnType<typeof memoryLogging>['records'], failed: string[]) => Promise<void>,
  options?: Parameters<typeof logweaveExpress>[1],
): Promise<void> {
  const { logging, records } = memoryLogging('express-behaviour');
  const failed: string[] = [];
  const unsubscribe = onRequestFailed((request) => failed.push(request.requestId));
  const app = express();
  app.use(logweaveExpress(logging, options));
  configure(app, logging);
  const server = await listen(createServer(app));
  try {
    await run(server.url, records, failed);
  } finally {
    unsubscribe();
    await server.close();
    await logging.shutdown();
  }
}

describe('Express integration', () => {
  test('continues the incoming trace with its own span id; the access record uses semantic conventions', async () => {
    await withApp(
      (app, logging) => {
        app.use(express.json());
        const router = express.Router();
        router.post('/items/:id', (_req, res) => {
          logging.getLogger('app').info('handled');
          res.status(201).json({ ok: true });
        });
        app.use('/api', router);
      },
      async (url, records) => {
        const response = await send(`${url}/api/items/7?token=secret`, {
          body: { a: 1 },
          headers: {
            traceparent: `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01`,
            'x-request-id': 'incoming-1',
            'user-agent': 'behaviour-test/1.0',
          },
        });
        assert.equal(response.status, 201);
        assert.equal(response.headers['x-request-id'], 'incoming-1');
        const all = await records();
        assert.equal(all.length, 2);
        for (const record of all) {
          assert.equal(record.spanContext?.traceId, PARENT_TRACE_ID);
          assert.notEqual(record.spanContext?.spanId, PARENT_SPAN_ID);
          assert.equal(attribute(record, 'request.id'), 'incoming-1');
        }
        assert.equal(all[0]?.spanContext?.spanId, all[1]?.spanContext?.spanId);
        const access = all.find((record) => record.body === 'request completed');
        assert.ok(access);
        assert.equal(access.instrumentationScope.name, 'logweave.http');
        assert.equal(access.severityNumber, SeverityNumber.INFO);
        assert.equal(attribute(access, 'http.request.method'), 'POST');
        assert.equal(attribute(access, 'http.route'), '/api/items/:id');
        assert.equal(attribute(access, 'url.path'), '/api/items/7', 'the query string is never recorded');
        assert.equal(attribute(access, 'url.scheme'), 'http');
        assert.equal(attribute(access, 'http.response.status_code'), 201);
        assert.equal(attribute(access, 'user_agent.original'), 'behaviour-test/1.0');
        assert.equal(attribute(access, 'network.protocol.version'), '1.1');
        assert.equal(attribute(access, 'http.request.body.size'), 7);
        assert.equal(typeof attribute(access, 'http.server.request.duration'), 'number');
        assert.ok((attribute(access, 'http.server.request.duration') as number) >= 0);
        assert.equal(attribute(access, 'error.type'), undefined);
      },
    );
  });

  test('an invalid traceparent starts a new trace; a hostile request id is replaced, never echoed', async () => {
    await withApp(
      (app) => app.get('/', (_req, res) => res.send('ok')),
      async (url, records) => {
        const response = await send(url, {
          headers: { traceparent: '00-zzzz-not-valid-01', 'x-request-id': 'evil\tvalue' },
        });
        const echoed = String(response.headers['x-request-id']);
        assert.match(echoed, /^[0-9a-f-]{36}$/);
        const [access] = await records();
        assert.ok(access);
        assert.equal(attribute(access, 'request.id'), echoed);
        assert.match(access.spanContext?.traceId ?? '', /^[0-9a-f]{32}$/);
        assert.notEqual(access.spanContext?.traceId, '0'.repeat(32));
      },
    );
  });

  test('a thrown error is logged once with exception.*, marks the request failed, and the 500 access record is ERROR', async () => {
    await withApp(
      (app, logging) => {
        app.get('/boom', async () => {
          throw new TypeError('kaput');
        });
        app.use(logweaveExpressErrors());
        app.use(async (error: Error, _req: Request, res: Response, _next: NextFunction) => {
          // A timer inside the error handler: the context has to survive it (its length is irrelevant).
          await new Promise((resolve) => setTimeout(resolve, 2));
          logging.getLogger('app').info('error handler ran', { message: error.message });
          res.status(500).send('sorry');
        });
      },
      async (url, records, failed) => {
        const response = await send(`${url}/boom`);
        assert.equal(response.status, 500);
        const requestId = String(response.headers['x-request-id']);
        const all = await records();
        const errors = all.filter((record) => record.body === 'request failed');
        assert.equal(errors.length, 1);
        const [error] = errors;
        assert.ok(error);
        assert.equal(error.severityNumber, SeverityNumber.ERROR);
        assert.equal(attribute(error, 'exception.type'), 'TypeError');
        assert.equal(attribute(error, 'exception.message'), 'kaput');
        assert.match(String(attribute(error, 'exception.stacktrace')), /kaput/);
        assert.equal(attribute(error, 'http.route'), '/boom');
        const handler = all.find((record) => record.body === 'error handler ran');
        assert.equal(
          handler && attribute(handler, 'request.id'),
          requestId,
          'async error middleware keeps the context',
        );
        const access = all.find((record) => record.body === 'request completed');
        assert.ok(access);
        assert.equal(access.severityNumber, SeverityNumber.ERROR);
        assert.equal(attribute(access, 'error.type'), 'TypeError');
        assert.equal(attribute(access, 'http.response.status_code'), 500);
        assert.deepEqual(failed, [requestId]);
      },
    );
  });

  test('a 5xx without a thrown error still marks the request failed; a 404 is WARN and does not', async () => {
    await withApp(
      (app) => app.get('/unavailable', (_req, res) => res.status(503).send('later')),
      async (url, records, failed) => {
        const unavailable = await send(`${url}/unavailable`);
        const missing = await send(`${url}/missing`);
        assert.equal(missing.status, 404);
        const all = await records();
        const severityOf = (requestId: unknown): number | undefined =>
          all.find((record) => attribute(record, 'request.id') === requestId)?.severityNumber;
        assert.equal(severityOf(unavailable.headers['x-request-id']), SeverityNumber.ERROR);
        assert.equal(severityOf(missing.headers['x-request-id']), SeverityNumber.WARN);
        const access503 = all.find((record) => attribute(record, 'http.response.status_code') === 503);
        assert.equal(access503 && attribute(access503, 'error.type'), '503');
        assert.deepEqual(failed, [unavailable.headers['x-request-id']]);
      },
    );
  });

  test('invalid JSON: logged once at WARN with exception.*, not failed unless clientErrorsFail', async () => {
    for (const clientErrorsFail of [false, true]) {
      await withApp(
        (app) => {
          app.use(express.json());
          app.post('/', (_req, res) => res.send('never'));
          app.use(logweaveExpressErrors());
          app.use((error: { status: number }, _req: Request, res: Response, _next: NextFunction) => {
            res.status(error.status).send('bad request');
          });
        },
        async (url, records, failed) => {
          const response = await send(url, { rawBody: '{"broken": ' });
          assert.equal(response.status, 400);
          const all = await records();
          const errors = all.filter((record) => record.body === 'request failed');
          assert.equal(errors.length, 1);
          assert.equal(errors[0]?.severityNumber, SeverityNumber.WARN);
          assert.equal(attribute(errors[0]!, 'exception.type'), 'SyntaxError');
          assert.equal(attribute(errors[0]!, 'request.id'), response.headers['x-request-id']);
          assert.equal(failed.length, clientErrorsFail ? 1 : 0);
        },
        { clientErrorsFail },
      );
    }
  });

  test('an aborted request gets one "request aborted" record at WARN', async () => {
    let handlerEntered!: () => void;
    const entered = new Promise<void>((resolve) => (handlerEntered = resolve));
    let finishHandler!: () => void;
    const mayFinish = new Promise<void>((resolve) => (finishHandler = resolve));
    await withApp(
      (app) =>
        app.get('/slow', (_req, res) => {
          handlerEntered();
          // Still working when the client goes away; answers once the test has looked.
          void mayFinish.then(() => res.destroyed || res.send('late'));
        }),
      async (url, records) => {
        const req = httpRequest(`${url}/slow`);
        req.on('error', () => undefined);
        req.end();
        await entered;
        req.destroy();
        let all = await records();
        await until(async () => (all = await records()).length > 0, 'the "request aborted" record');
        finishHandler();
        assert.equal(all.length, 1);
        assert.equal(all[0]?.body, 'request aborted');
        assert.equal(all[0]?.severityNumber, SeverityNumber.WARN);
        assert.equal(attribute(all[0]!, 'error.type'), 'aborted');
      },
    );
  });

  test('options: access record off, request-id echo off, severities configurable', async () => {
    await withApp(
      (app) => app.get('/', (_req, res) => res.send('ok')),
      async (url, records) => {
        const response = await send(url);
        assert.equal(response.headers['x-request-id'], undefined);
        assert.equal((await records()).length, 0);
      },
      { accessLog: false, echoRequestId: false },
    );
    await withApp(
      (app) => app.get('/', (_req, res) => res.send('ok')),
      async (url, records) => {
        await send(url);
        const [access] = await records();
        assert.equal(access?.severityNumber, SeverityNumber.WARN);
        assert.equal(access?.instrumentationScope.name, 'http.access');
      },
      { accessLog: { severity: { success: 'warn' } }, loggerName: 'http.access' },
    );
  });

  test('mounted twice (app and sub-app): one context and one access record', async () => {
    await withApp(
      (app, logging) => {
        const sub = express();
        sub.use(logweaveExpress(logging));
        sub.get('/', (_req, res) => res.send('ok'));
        app.use('/sub', sub);
      },
      async (url, records) => {
        const response = await send(`${url}/sub/`, { headers: { 'x-request-id': 'twice' } });
        assert.equal(response.status, 200);
        const all = await records();
        assert.equal(all.length, 1);
        assert.equal(attribute(all[0]!, 'request.id'), 'twice');
      },
    );
  });

  test('listeners added inside the request can be removed again (on/once/off/removeListener)', async () => {
    await withApp(
      (app) =>
        app.post('/', (req, res) => {
          const before = { data: req.listenerCount('data'), end: req.listenerCount('end') };
          const onData = (): void => undefined;
          const onEnd = (): void => undefined;
          req.on('data', onData);
          req.once('end', onEnd);
          req.prependListener('data', onData);
          const added = { data: req.listenerCount('data'), end: req.listenerCount('end') };
          req.removeListener('data', onData);
          req.off('data', onData);
          req.off('end', onEnd);
          const after = { data: req.listenerCount('data'), end: req.listenerCount('end') };
          req.resume();
          res.json({ before, added, after });
        }),
      async (url) => {
        const response = await send(url, { body: { a: 1 } });
        const { before, added, after } = JSON.parse(response.body) as Record<
          string,
          { data: number; end: number }
        >;
        assert.deepEqual(added, { data: (before?.data ?? 0) + 2, end: (before?.end ?? 0) + 1 });
        assert.deepEqual(after, before);
      },
    );
  });

  test('listeners added late run in the request context; once listeners fire once and leave; listeners() shows the originals', async () => {
    const seen: Record<string, string[]> = {};
    const note = (what: string) => (): void => {
      (seen[what] ??= []).push(tryGetRequestContext()?.requestId ?? 'none');
    };
    await withApp(
      (app) =>
        app.post('/', (req, res) => {
          const onData = note('data');
          const onEndOnce = note('end once');
          const onEndPrepended = note('end prepended once');
          const onFinish = note('finish once');
          // Added from a timer outside the request: still the request's listeners.
          setImmediate(() => {
            req.on('data', onData);
            req.once('end', onEndOnce);
            req.prependOnceListener('end', onEndPrepended);
            res.once('finish', onFinish);
            const shown = req.listeners('end');
            const counts = {
              originalsShown: shown.includes(onEndOnce) && shown.includes(onEndPrepended),
              countedByOriginal: req.listenerCount('end', onEndOnce),
            };
            req.on('end', () => {
              // Both once listeners have run and removed themselves by now.
              res.json({ ...counts, endLeft: req.listeners('end').length });
            });
          });
        }),
      async (url) => {
        const response = await send(url, { body: { a: 1 }, headers: { 'x-request-id': 'late-listeners' } });
        const body = JSON.parse(response.body) as Record<string, unknown>;
        assert.equal(body['originalsShown'], true);
        assert.equal(body['countedByOriginal'], 1);
        assert.equal(body['endLeft'], 1);
        // The response's 'finish' may come after the client has read the body.
        await until(() => seen['finish once'] !== undefined, "the response's finish event");
        // The body comes in two halves: one 'data' call or two.
        assert.ok(seen['data']!.length >= 1 && seen['data']!.every((id) => id === 'late-listeners'));
        delete seen['data'];
        assert.deepEqual(seen, {
          'end prepended once': ['late-listeners'],
          'end once': ['late-listeners'],
          'finish once': ['late-listeners'],
        });
      },
    );
  });

  test('a custom request-id header is read, echoed and sent on outgoing calls', async () => {
    const { logging, records } = memoryLogging('express-custom-header', {
      requestId: { header: 'x-correlation-id' },
    });
    const app = express();
    app.use(logweaveExpress(logging));
    app.get('/', (_req, res) => res.json(propagationHeaders('http')));
    const server = await listen(createServer(app));
    try {
      const response = await send(server.url, {
        headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'other' },
      });
      assert.equal(response.headers['x-correlation-id'], 'corr-1');
      assert.equal(response.headers['x-request-id'], undefined);
      const outgoing = JSON.parse(response.body) as Record<string, string>;
      assert.equal(outgoing['x-correlation-id'], 'corr-1');
      // A trace started here: sampled and random (W3C Level 2).
      assert.match(outgoing['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
      const [access] = await records();
      assert.equal(access && attribute(access, 'request.id'), 'corr-1');
    } finally {
      await server.close();
      await logging.shutdown();
    }
  });

  test('invalid options throw LogweaveConfigError naming the field', () => {
    const { logging } = memoryLogging('express-options');
    assert.throws(
      () => logweaveExpress(logging, { accessLog: { severity: { success: 'loud' as 'info' } } }),
      (error: unknown) =>
        error instanceof LogweaveConfigError && error.path === 'logweaveExpress.accessLog.severity.success',
    );
    assert.throws(
      () => logweaveExpress(logging, { echoRequestid: true } as never),
      (error: unknown) => error instanceof LogweaveConfigError && /echoRequestid/.test(error.message),
    );
    return logging.shutdown();
  });
});
