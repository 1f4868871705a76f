/*
 * Where AsyncLocalStorage does not carry the request context, and the fix for each case: the
 * recipes of docs/request-context.md, each run with REQUESTS interleaved requests against real
 * sockets, streams, emitters and timers. A callback runs in the async context of the code that
 * set its machinery in motion (the connection's opener, the write that started a stream's drain,
 * the emit() call), not of the code that handed the callback over; a test that holds a limit
 * fails the day Node changes it, so the docs can be corrected.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import { Transform, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import pino from 'pino';
import {
  captureContext,
  getRequestContext,
  runWithCapturedContext,
  runWithRequestContext,
  type CapturedContext,
} from '../../src/index.ts';
import { CallbackPool, startLineServer } from './support/callback-pool.ts';
import { listen, memoryLogging } from './support/http-fixtures.ts';
import {
  assertOwnContext,
  foreignCount,
  recordsWithBody,
  requestIdOf,
  REQUESTS,
  serveRequests,
} from './support/request-records.ts';

const CONNECTIONS = 4;
const CREATORS = Array.from({ length: CONNECTIONS }, (_, index) => requestIdOf(index));

const { logging, records } = memoryLogging('context-limits', { env: {} });
const log = logging.getLogger('context-limits');
after(() => logging.shutdown());

function idsOf(seen: ReadonlyArray<{ requestId: string | undefined }>): Set<string | undefined> {
  return new Set(seen.map((record) => record.requestId));
}

describe('a callback pool (the way pg callbacks and most drivers behave)', () => {
  let server: Awaited<ReturnType<typeof startLineServer>>;
  before(async () => (server = await startLineServer()));
  after(() => server.close());

  const queryAndLog = (
    pool: CallbackPool,
    index: number,
    body: string,
    bind: (cb: () => void) => () => void,
  ) =>
    new Promise<void>((resolve) =>
      pool.query(
        `select ${index}`,
        bind(() => {
          log.info(body, { index });
          resolve();
        }),
      ),
    );

  test('callbacks borrow the context of the request that opened the connection', async () => {
    const pool = new CallbackPool(server.port, CONNECTIONS);
    await serveRequests((index) => queryAndLog(pool, index, 'pool: borrowed', (cb) => cb));
    pool.end();
    assert.equal(pool.connectionCount, CONNECTIONS);
    const seen = recordsWithBody(await records(), 'pool: borrowed');
    // The first CONNECTIONS requests opened the connections; every callback ran in one of theirs.
    assert.deepEqual(idsOf(seen), new Set(CREATORS));
    assert.ok(foreignCount(seen) >= REQUESTS - CONNECTIONS, `${foreignCount(seen)} foreign request ids`);
  });

  test('callbacks of a pool warmed at start-up lose the context', async () => {
    const pool = new CallbackPool(server.port, CONNECTIONS);
    pool.warm();
    await serveRequests((index) => queryAndLog(pool, index, 'pool: lost', (cb) => cb));
    pool.end();
    const seen = recordsWithBody(await records(), 'pool: lost');
    assert.deepEqual(idsOf(seen), new Set([undefined]));
    assert.ok(seen.every((record) => record.traceId === undefined));
  });

  test('AsyncResource.bind(callback) fixes it', async () => {
    const pool = new CallbackPool(server.port, CONNECTIONS);
    const contexts = await serveRequests((index) =>
      queryAndLog(pool, index, 'pool: AsyncResource.bind', (cb) => AsyncResource.bind(cb)),
    );
    pool.end();
    assertOwnContext(recordsWithBody(await records(), 'pool: AsyncResource.bind'), contexts);
  });

  test('context.bind(context.active(), callback) from @opentelemetry/api fixes it (here on a warmed pool)', async () => {
    const pool = new CallbackPool(server.port, CONNECTIONS);
    pool.warm();
    const contexts = await serveRequests((index) =>
      queryAndLog(pool, index, 'pool: context.bind', (cb) => context.bind(context.active(), cb)),
    );
    pool.end();
    assertOwnContext(recordsWithBody(await records(), 'pool: context.bind'), contexts);
  });

  test('holds: code after `await pool.queryAsync()` runs in the awaiting request', async () => {
    const pool = new CallbackPool(server.port, CONNECTIONS);
    const contexts = await serveRequests(async (index) => {
      const reply = await pool.queryAsync(`select ${index}`);
      assert.equal(reply, `ok select ${index}`);
      log.info('pool: await', { index });
    });
    pool.end();
    assertOwnContext(recordsWithBody(await records(), 'pool: await'), contexts);
  });
});

describe('a stream shared by every request, piped once at start-up', () => {
  interface Chunk {
    index: number;
    /** The request's own context, carried with the chunk (the in-process fix). */
    context?: Context;
    /** A serialisable snapshot, for a chunk that crosses a thread or a queue. */
    captured?: CapturedContext;
  }

  /**
   * A transform that finishes each chunk asynchronously (like compression, or a socket or file
   * downstream) piped into a sink; `runChunk` is where a fix re-enters the chunk's context.
   */
  function sharedStream(name: string, runChunk: (chunk: Chunk, fn: () => void) => void) {
    const delivered = new Map<number, () => void>();
    const transform = new Transform({
      objectMode: true,
      transform(chunk: Chunk, _encoding, done) {
        runChunk(chunk, () => log.info(`${name}: transform`, { index: chunk.index }));
        setImmediate(() => done(null, chunk));
      },
    });
    const sink = new Writable({
      objectMode: true,
      write(chunk: Chunk, _encoding, done) {
        runChunk(chunk, () => log.info(`${name}: sink`, { index: chunk.index }));
        delivered.get(chunk.index)?.();
        setImmediate(done);
      },
    });
    transform.pipe(sink);
    return {
      /** Writes the chunk; resolves when the sink has it. */
      write(chunk: Chunk, callback?: () => void): Promise<void> {
        const done = new Promise<void>((resolve) => delivered.set(chunk.index, resolve));
        transform.write(chunk, callback);
        return done;
      },
      end: () => transform.end(),
    };
  }

  test('buffered chunks and write callbacks run in the context of the write that started the drain', async () => {
    const stream = sharedStream('stream: borrowed', (_chunk, fn) => fn());
    await serveRequests((index) =>
      stream.write({ index }, () => log.info('stream: borrowed: write callback', { index })),
    );
    stream.end();
    const all = await records();
    for (const body of [
      'stream: borrowed: transform',
      'stream: borrowed: sink',
      'stream: borrowed: write callback',
    ]) {
      const seen = recordsWithBody(all, body);
      assert.deepEqual(idsOf(seen), new Set([requestIdOf(0)]), body);
      assert.equal(foreignCount(seen), REQUESTS - 1, body);
    }
  });

  test('carrying context.active() with the chunk and entering it with context.with fixes it', async () => {
    const stream = sharedStream('stream: context.with', (chunk, fn) => context.with(chunk.context!, fn));
    const contexts = await serveRequests((index) => stream.write({ index, context: context.active() }));
    stream.end();
    const all = await records();
    assertOwnContext(recordsWithBody(all, 'stream: context.with: transform'), contexts);
    assertOwnContext(recordsWithBody(all, 'stream: context.with: sink'), contexts);
  });

  test('captureContext() with the chunk and runWithCapturedContext fix it (same request and trace)', async () => {
    const stream = sharedStream('stream: captured', (chunk, fn) =>
      runWithCapturedContext(chunk.captured!, fn),
    );
    const contexts = await serveRequests((index) => stream.write({ index, captured: captureContext() }));
    stream.end();
    const seen = recordsWithBody(await records(), 'stream: captured: transform');
    // The captured context continues the trace under a span id of its own, like a worker thread.
    assertOwnContext(seen, contexts, { sameSpan: false });
    assert.ok(seen.every((record) => record.spanId !== contexts.get(requestIdOf(record.index))?.spanId));
  });

  test('AsyncResource.bind fixes the write callback', async () => {
    const stream = sharedStream('stream: bound callback', (_chunk, fn) => fn());
    const contexts = await serveRequests((index) =>
      stream.write(
        { index },
        AsyncResource.bind(() => log.info('stream: bound callback: write callback', { index })),
      ),
    );
    stream.end();
    assertOwnContext(recordsWithBody(await records(), 'stream: bound callback: write callback'), contexts);
  });
});

describe('EventEmitter pub/sub and queue consumers', () => {
  test("a listener runs in the context of emit(), not of on(): the publisher's request id", async () => {
    const prices = new EventEmitter().setMaxListeners(0);
    const subscribed = serveRequests(
      (index) =>
        new Promise<void>((resolve) =>
          prices.once('price', () => resolve(log.info('pubsub: borrowed', { index }))),
        ),
    );
    runWithRequestContext({ requestId: 'publisher' }, () => prices.emit('price', 42));
    await subscribed;
    assert.deepEqual(idsOf(recordsWithBody(await records(), 'pubsub: borrowed')), new Set(['publisher']));
  });

  test('binding the listener when it is added (AsyncResource.bind or context.bind) fixes it', async () => {
    const prices = new EventEmitter().setMaxListeners(0);
    const subscribed = serveRequests(
      (index) =>
        new Promise<void>((resolve) => {
          const listener = (): void => resolve(log.info('pubsub: bound', { index }));
          prices.once(
            'price',
            index % 2 === 0 ? AsyncResource.bind(listener) : context.bind(context.active(), listener),
          );
        }),
    );
    runWithRequestContext({ requestId: 'publisher' }, () => prices.emit('price', 42));
    assertOwnContext(recordsWithBody(await records(), 'pubsub: bound'), await subscribed);
  });

  /**
   * A consumer subscribed at start-up that batches: its listener runs in each publisher's context,
   * but the batch runs once, later, in the context of the publish that scheduled it.
   */
  function batchingConsumer(handle: (message: string) => void): EventEmitter {
    const jobs = new EventEmitter();
    const queued: string[] = [];
    jobs.on('job', (message: string) => {
      if (queued.push(message) === 1) setImmediate(() => queued.splice(0).forEach(handle));
    });
    return jobs;
  }

  test("a batching consumer registered at start-up handles every message in one publisher's context", async () => {
    const delivered = new Map<number, () => void>();
    const jobs = batchingConsumer((message) => {
      const { index } = JSON.parse(message) as { index: number };
      log.info('queue: borrowed', { index });
      delivered.get(index)?.();
    });
    await serveRequests(
      (index) =>
        new Promise<void>((resolve) => {
          delivered.set(index, resolve);
          jobs.emit('job', JSON.stringify({ index }));
        }),
    );
    const seen = recordsWithBody(await records(), 'queue: borrowed');
    assert.deepEqual(idsOf(seen), new Set([requestIdOf(0)]));
    assert.equal(foreignCount(seen), REQUESTS - 1);
  });

  test('a polling consumer started at start-up loses the context', async () => {
    const queued: string[] = [];
    const delivered = new Map<number, () => void>();
    const poller = setInterval(() => {
      for (const message of queued.splice(0)) {
        const { index } = JSON.parse(message) as { index: number };
        log.info('queue: lost', { index });
        delivered.get(index)?.();
      }
    }, 1);
    await serveRequests(
      (index) =>
        new Promise<void>((resolve) => {
          delivered.set(index, resolve);
          queued.push(JSON.stringify({ index }));
        }),
    );
    clearInterval(poller);
    assert.deepEqual(idsOf(recordsWithBody(await records(), 'queue: lost')), new Set([undefined]));
  });

  test('captureContext() in the message and runWithCapturedContext in the consumer fix it', async () => {
    const delivered = new Map<number, () => void>();
    const jobs = batchingConsumer((message) => {
      // The message went through JSON, as it would through a real queue.
      const { index, context: captured } = JSON.parse(message) as {
        index: number;
        context: CapturedContext;
      };
      runWithCapturedContext(captured, () => log.info('queue: captured', { index }));
      delivered.get(index)?.();
    });
    const contexts = await serveRequests(
      (index) =>
        new Promise<void>((resolve) => {
          delivered.set(index, resolve);
          jobs.emit('job', JSON.stringify({ index, context: captureContext() }));
        }),
    );
    assertOwnContext(recordsWithBody(await records(), 'queue: captured'), contexts, { sameSpan: false });
  });
});

test('runWithCapturedContext continues the captured trace inside another request context', () => {
  const message = runWithRequestContext({ requestId: 'producer' }, () => ({
    captured: captureContext(),
    request: getRequestContext(),
  }));
  const consumer = runWithRequestContext({ requestId: 'borrowed' }, () =>
    runWithCapturedContext(message.captured, () => getRequestContext()),
  );
  assert.equal(consumer.requestId, 'producer');
  assert.equal(consumer.traceId, message.request.traceId);
  assert.equal(consumer.parentSpanId, message.request.spanId);
});

describe('timers started inside a request', () => {
  const TICKS = 3;

  /** Starts a refresher on the first call only (lazily, from whichever request comes first). */
  async function runRefresher(name: string, start: (tick: () => void) => NodeJS.Timeout): Promise<void> {
    let ticks = 0;
    let refresher: NodeJS.Timeout | undefined;
    let ticked!: () => void;
    const done = new Promise<void>((resolve) => (ticked = resolve));
    const tick = (): void => {
      log.info(name, { index: ticks });
      if (++ticks === TICKS) {
        clearInterval(refresher);
        ticked();
      }
    };
    await serveRequests(() => {
      refresher ??= start(tick);
    });
    // Every request has ended before the ticks are counted.
    await done;
  }

  test('setInterval keeps the context of the request that started it, after that request ended', async () => {
    await runRefresher('interval: borrowed', (tick) => setInterval(tick, 1));
    const seen = recordsWithBody(await records(), 'interval: borrowed', TICKS);
    assert.deepEqual(idsOf(seen), new Set([requestIdOf(0)]));
  });

  test('starting it with context.with(ROOT_CONTEXT, …) fixes it', async () => {
    await runRefresher('interval: root', (tick) => context.with(ROOT_CONTEXT, () => setInterval(tick, 1)));
    const seen = recordsWithBody(await records(), 'interval: root', TICKS);
    assert.deepEqual(idsOf(seen), new Set([undefined]));
    assert.ok(seen.every((record) => record.traceId === undefined));
  });
});

test('holds: a keep-alive http.Agent pool answers each request in its own context', async () => {
  const server = createServer((req, res) => res.end(req.url));
  let connections = 0;
  server.on('connection', () => connections++);
  const { url, close } = await listen(server);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const contexts = await serveRequests(
    (index) =>
      new Promise<void>((resolve, reject) => {
        const req = request(`${url}/${index}`, { agent }, (res) => {
          log.info('agent: response', { index });
          res.resume();
          res.on('end', () => resolve(log.info('agent: end', { index })));
        });
        req.on('error', reject);
        req.end();
      }),
  );
  agent.destroy();
  await close();
  // Node's Agent re-enters a queued request's own context when it hands it a freed socket.
  assert.ok(connections <= CONNECTIONS, `${connections} connections for ${REQUESTS} requests`);
  const all = await records();
  assertOwnContext(recordsWithBody(all, 'agent: response'), contexts);
  assertOwnContext(recordsWithBody(all, 'agent: end'), contexts);
});

test('pino with an AsyncLocalStorage mixin borrows the same way, and AsyncResource.bind fixes it too', async () => {
  const server = await startLineServer();
  const requestIds = new AsyncLocalStorage<string>();
  const lines: Array<{ msg: string; index: number; reqId?: string }> = [];
  const logger = pino(
    { mixin: () => ({ reqId: requestIds.getStore() }) },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as (typeof lines)[number]);
        done();
      },
    }),
  );
  const pool = new CallbackPool(server.port, CONNECTIONS);
  // No logweave here: the requests are AsyncLocalStorage runs of pino's own store.
  const round = (msg: string, bind: (cb: () => void) => () => void) =>
    Promise.all(
      Array.from({ length: REQUESTS }, (_, index) =>
        requestIds.run(
          requestIdOf(index),
          () =>
            new Promise<void>((resolve) =>
              pool.query(
                `select ${index}`,
                bind(() => resolve(logger.info({ index }, msg))),
              ),
            ),
        ),
      ),
    );
  await round('pino: borrowed', (cb) => cb);
  await round('pino: bound', (cb) => AsyncResource.bind(cb));
  pool.end();
  await server.close();
  const reqIdsOf = (msg: string) =>
    lines
      .filter((line) => line.msg === msg)
      .sort((a, b) => a.index - b.index)
      .map((line) => line.reqId);
  const borrowed = reqIdsOf('pino: borrowed');
  assert.equal(borrowed.length, REQUESTS);
  assert.deepEqual(new Set(borrowed), new Set(CREATORS));
  assert.deepEqual(
    reqIdsOf('pino: bound'),
    Array.from({ length: REQUESTS }, (_, index) => requestIdOf(index)),
  );
});
