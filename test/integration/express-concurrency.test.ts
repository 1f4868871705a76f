import assert from 'node:assert/strict';
import { Agent, createServer } from 'node:http';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import express5, { type NextFunction, type Request, type Response } from 'express';
import { tryGetRequestContext } from '../../src/index.ts';
import { logweaveExpress, logweaveExpressErrors } from '../../integrations/express/index.ts';
import { Gates, groupByRequest, jitter, listen, memoryLogging, send } from './support/http-fixtures.ts';

const express4 = createRequire(import.meta.url)('express4') as typeof express5;
const REQUESTS = 2_000;

for (const [name, express] of [
  ['Express 5', express5],
  ['Express 4', express4],
] as const) {
  describe(`${name}: ${REQUESTS} concurrent requests through every middleware stage`, () => {
    test('every record carries its own request id, never a foreign or missing one', async () => {
      const { logging, records } = memoryLogging('express-concurrency');
      const log = logging.getLogger('app');
      const bodyGates = new Gates();
      const app = express();
      app.use(logweaveExpress(logging));
      app.use(async (req: Request, _res: Response, next: NextFunction) => {
        const i = Number(req.headers['x-test-i']);
        await jitter(i);
        log.info('stage.early', { 'test.i': i });
        next();
      });
      app.use(express.json());
      // A hand-rolled body reader, as older parsers and multipart libraries do: next() runs
      // from the request's 'end' event, which Node emits from the socket's async context.
      app.use((req: Request, _res: Response, next: NextFunction) => {
        if (req.headers['content-type'] !== 'text/plain') {
          next();
          return;
        }
        let text = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (text += chunk));
        req.on('end', () => {
          req.body = JSON.parse(text) as unknown;
          log.info('stage.raw-body-end', { 'test.i': (req.body as { i: number }).i });
          next();
        });
        // Only now does the client send the rest of the body: 'data'/'end' come from the socket.
        bodyGates.open(Number(req.headers['x-test-i']));
      });
      app.use((req: Request, res: Response, next: NextFunction) => {
        const i = (req.body as { i: number }).i;
        log.info('stage.after-body', { 'test.i': i });
        res.on('finish', () => log.info('stage.finish', { 'test.i': i }));
        next();
      });
      app.use((req: Request, _res: Response, next: NextFunction) => {
        setTimeout(() => {
          log.info('stage.timer', { 'test.i': (req.body as { i: number }).i });
          next();
        }, 1);
      });
      const router = express.Router();
      router.post('/items/:id', (req: Request, res: Response, next: NextFunction) => {
        const i = (req.body as { i: number }).i;
        jitter(i + 1).then(() => {
          log.info('stage.handler', { 'test.i': i, 'test.param': req.params['id'] });
          // Callback-style failure so Express 4 (no promise support) takes the same path.
          if (i % 10 === 0) setImmediate(() => next(new Error(`boom ${i}`)));
          else res.json({ i, requestId: tryGetRequestContext()?.requestId });
        }, next);
      });
      app.use('/api', router);
      app.use(logweaveExpressErrors());
      app.use(async (error: Error, req: Request, res: Response, _next: NextFunction) => {
        const i = (req.body as { i: number }).i;
        await jitter(i + 2);
        log.warn('stage.error-handler', { 'test.i': i, 'test.error': error.message });
        res.status(500).json({ i, requestId: tryGetRequestContext()?.requestId });
      });
      const server = await listen(createServer(app));
      const agent = new Agent({ keepAlive: true, maxSockets: 500 });
      try {
        const responses = await Promise.all(
          Array.from({ length: REQUESTS }, (_, i) => {
            const headers: Record<string, string> = { 'x-test-i': String(i) };
            if (i % 2 === 0) headers['x-request-id'] = `req-${i}`;
            if (i % 50 === 1) headers['x-request-id'] = 'spaces are rejected';
            const contentType = i % 3 === 0 ? 'text/plain' : 'application/json';
            const secondHalfAfter = contentType === 'text/plain' ? bodyGates.wait(i) : undefined;
            return send(`${server.url}/api/items/${i}`, {
              body: { i },
              headers,
              agent,
              contentType,
              secondHalfAfter,
            });
          }),
        );
        const requestIdOf = new Map<number, string>();
        for (const [i, response] of responses.entries()) {
          assert.equal(response.status, i % 10 === 0 ? 500 : 200, `request ${i}`);
          const echoed = response.headers['x-request-id'];
          assert.equal(typeof echoed, 'string');
          if (i % 2 === 0) assert.equal(echoed, `req-${i}`);
          else
            assert.match(String(echoed), /^[0-9a-f-]{36}$/, 'a rejected or absent id is replaced by a UUID');
          const body = JSON.parse(response.body) as { i: number; requestId: string };
          assert.equal(body.i, i);
          assert.equal(body.requestId, echoed, 'the handler sees the echoed id');
          requestIdOf.set(i, String(echoed));
        }
        assert.equal(new Set(requestIdOf.values()).size, REQUESTS, 'request ids are unique');

        const all = await records();
        const { byRequestId, stagesPerRequest } = groupByRequest(all, requestIdOf);
        assert.equal(byRequestId.size, REQUESTS, 'no record with a foreign request id');
        for (let i = 0; i < REQUESTS; i++) {
          const expected = [
            'stage.after-body',
            'stage.early',
            'stage.finish',
            'stage.handler',
            'stage.timer',
          ];
          if (i % 10 === 0) expected.push('stage.error-handler');
          if (i % 3 === 0) expected.push('stage.raw-body-end');
          assert.deepEqual(stagesPerRequest.get(i)?.sort(), expected.sort(), `stages of request ${i}`);
          const own = byRequestId.get(requestIdOf.get(i) ?? '') ?? [];
          const access = own.filter((record) => record.body === 'request completed');
          assert.equal(access.length, 1, `one access record for request ${i}`);
          const failures = own.filter((record) => record.body === 'request failed');
          assert.equal(failures.length, i % 10 === 0 ? 1 : 0, `error logged once for request ${i}`);
          // One trace and this service's one span for the whole request.
          assert.equal(new Set(own.map((record) => record.spanContext?.traceId)).size, 1);
          assert.equal(new Set(own.map((record) => record.spanContext?.spanId)).size, 1);
        }
      } finally {
        agent.destroy();
        await server.close();
        await logging.shutdown();
      }
    });
  });
}
