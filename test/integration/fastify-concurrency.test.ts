import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { tryGetRequestContext } from '../../src/index.ts';
import { logweaveFastify } from '../../integrations/fastify/index.ts';
import { Gates, groupByRequest, jitter, listen, memoryLogging, send } from './support/http-fixtures.ts';

const REQUESTS = 2_000;

describe(`Fastify: ${REQUESTS} concurrent requests through every hook`, () => {
  test('every record carries its own request id, never a foreign or missing one', async () => {
    const { logging, records } = memoryLogging('fastify-concurrency');
    const log = logging.getLogger('app');
    const bodyGates = new Gates();
    const app = Fastify();
    await app.register(logweaveFastify, { logging });
    const indexOf = (headers: Record<string, unknown>): number => Number(headers['x-test-i']);
    const stage =
      (name: string) =>
      async (request: { headers: Record<string, unknown> }): Promise<void> => {
        const i = indexOf(request.headers);
        await jitter(i);
        log.info(name, { 'test.i': i });
      };
    app.addHook('onRequest', stage('stage.onRequest'));
    app.addHook('preParsing', (request, _reply, payload, done) => {
      log.info('stage.preParsing', { 'test.i': indexOf(request.headers) });
      done(null, payload);
    });
    // A parser that reads the raw stream's events, as multipart parsers do.
    app.addContentTypeParser('text/plain', (request, payload, done) => {
      const i = indexOf(request.headers);
      let text = '';
      payload.setEncoding('utf8');
      payload.on('data', (chunk: string) => (text += chunk));
      payload.on('end', () => {
        log.info('stage.parser-end', { 'test.i': i });
        done(null, JSON.parse(text));
      });
      bodyGates.open(i);
    });
    app.addHook('preValidation', stage('stage.preValidation'));
    app.addHook('preHandler', (request, _reply, done) => {
      log.info('stage.preHandler', { 'test.i': indexOf(request.headers) });
      setTimeout(done, 1);
    });
    app.addHook('preSerialization', async (request, _reply, payload) => {
      await jitter(indexOf(request.headers) + 3);
      log.info('stage.preSerialization', { 'test.i': indexOf(request.headers) });
      return payload;
    });
    app.addHook('onSend', stage('stage.onSend'));
    let responsesDone = 0;
    app.addHook('onResponse', async (request) => {
      await stage('stage.onResponse')(request);
      responsesDone++;
    });
    app.addHook('onError', async (request) => {
      log.info('stage.onError', { 'test.i': indexOf(request.headers) });
    });
    app.setErrorHandler(async (error, request, reply) => {
      const i = indexOf(request.headers);
      await jitter(i + 2);
      log.warn('stage.errorHandler', { 'test.i': i, 'test.error': (error as Error).message });
      return reply.status(500).send({ i, requestId: tryGetRequestContext()?.requestId });
    });
    app.post('/items/:id', async (request) => {
      const i = (request.body as { i: number }).i;
      await jitter(i + 1);
      log.info('stage.handler', { 'test.i': i });
      if (i % 10 === 0) throw new Error(`boom ${i}`);
      return { i, requestId: tryGetRequestContext()?.requestId, decorated: request.logweave.requestId };
    });
    await app.ready();
    const server = await listen(app.server);
    const agent = new Agent({ keepAlive: true, maxSockets: 500 });
    try {
      const responses = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => {
          const headers: Record<string, string> = { 'x-test-i': String(i) };
          if (i % 2 === 0) headers['x-request-id'] = `req-${i}`;
          if (i % 50 === 1) headers['x-request-id'] = 'bad"id';
          const contentType = i % 3 === 0 ? 'text/plain' : 'application/json';
          const secondHalfAfter = contentType === 'text/plain' ? bodyGates.wait(i) : undefined;
          return send(`${server.url}/items/${i}`, {
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
        assert.equal(response.status, i % 10 === 0 ? 500 : 200, `request ${i}: ${response.body}`);
        const echoed = String(response.headers['x-request-id']);
        if (i % 2 === 0) assert.equal(echoed, `req-${i}`);
        else assert.match(echoed, /^[0-9a-f-]{36}$/, 'a rejected or absent id is replaced by a UUID');
        const body = JSON.parse(response.body) as { i: number; requestId: string; decorated?: string };
        assert.equal(body.i, i);
        assert.equal(body.requestId, echoed, 'the handler sees the echoed id');
        if (i % 10 !== 0) assert.equal(body.decorated, echoed, 'request.logweave holds the same id');
        requestIdOf.set(i, echoed);
      }
      assert.equal(new Set(requestIdOf.values()).size, REQUESTS);

      // onResponse hooks run after the client has its response; wait for them (bounded).
      for (let waited = 0; responsesDone < REQUESTS && waited < 10_000; waited += 10) await jitter(1, 10);
      assert.equal(responsesDone, REQUESTS);
      const all = await records();
      const { byRequestId, stagesPerRequest } = groupByRequest(all, requestIdOf);
      assert.equal(byRequestId.size, REQUESTS, 'no record with a foreign request id');
      for (let i = 0; i < REQUESTS; i++) {
        const expected = [
          'stage.onRequest',
          'stage.preParsing',
          'stage.preValidation',
          'stage.preHandler',
          'stage.handler',
          'stage.preSerialization',
          'stage.onSend',
          'stage.onResponse',
        ];
        if (i % 3 === 0) expected.push('stage.parser-end');
        if (i % 10 === 0) expected.push('stage.onError', 'stage.errorHandler');
        assert.deepEqual(stagesPerRequest.get(i)?.sort(), expected.sort(), `stages of request ${i}`);
        const own = byRequestId.get(requestIdOf.get(i) ?? '') ?? [];
        assert.equal(
          own.filter((record) => record.body === 'request completed').length,
          1,
          `access record ${i}`,
        );
        assert.equal(own.filter((record) => record.body === 'request failed').length, i % 10 === 0 ? 1 : 0);
        assert.equal(new Set(own.map((record) => record.spanContext?.traceId)).size, 1);
        assert.equal(new Set(own.map((record) => record.spanContext?.spanId)).size, 1);
      }
    } finally {
      agent.destroy();
      await app.close();
      await server.close();
      await logging.shutdown();
    }
  });
});
