import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { injectContext, type Logging } from '../../src/index.ts';
import { logweaveExpress } from '../../integrations/express/index.ts';
import { memoryPipeline, type MemoryPipeline } from '../helpers/memory-pipeline.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const VALID = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: Server;
let port: number;
let logging: Logging;
let pipeline: MemoryPipeline;

before(async () => {
  pipeline = memoryPipeline({ batch: { scheduledDelayMillis: 600_000 } });
  logging = pipeline.logging;
  const app = express();
  app.use(logweaveExpress(logging));
  app.get('/echo', (_request, response) => {
    const baggage = injectContext({} as Record<string, string>)['baggage'];
    logging.getLogger('app').info('handled', { 'outgoing.baggage.members': baggage?.split(',').length ?? 0 });
    response.json({ ok: true });
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await logging.shutdown();
});

/** Sends raw header lines (duplicates and all, as a hostile client can) and returns the raw response head. */
function rawRequest(headerLines: string[]): Promise<{ status: number; headers: Map<string, string[]> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.destroy();
      const [statusLine = '', ...lines] = received.slice(0, end).split('\r\n');
      const headers = new Map<string, string[]>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers });
    });
    socket.on('error', reject);
    socket.write(
      ['GET /echo HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close', ...headerLines, '', ''].join('\r\n'),
    );
  });
}

describe('hostile headers over real HTTP (Express on 127.0.0.1)', () => {
  test('100 duplicated traceparent, request-id and baggage headers: new trace, fresh id, 64 baggage members', async () => {
    // Only this request's records count.
    const earlier = (await pipeline.records()).length;
    const lines: string[] = [];
    for (let index = 0; index < 100; index++) {
      lines.push(`traceparent: ${VALID}`, `x-request-id: dup-${index}`, `baggage: k${index}=v`);
    }
    const response = await rawRequest(lines);
    assert.equal(response.status, 200);
    const echoed = response.headers.get('x-request-id') ?? [];
    assert.equal(echoed.length, 1);
    assert.match(echoed[0] ?? '', UUID, 'a duplicated request id is replaced, never echoed');
    const record = (await pipeline.records())
      .slice(earlier)
      .find((candidate) => candidate.body === 'handled');
    assert.ok(record !== undefined);
    assert.notEqual(
      record.spanContext?.traceId,
      TRACE_ID,
      'duplicated traceparent headers start a new trace',
    );
    assert.equal(record.attributes['request.id'], echoed[0]);
    assert.equal(
      record.attributes['outgoing.baggage.members'],
      64,
      'duplicated baggage headers combined, capped at 64',
    );
  });

  test('a request id with quotes, angle brackets or non-ASCII bytes is replaced, not echoed', async () => {
    for (const value of ['"><script>alert(1)</script>', 'caf\u00e9', `${'a'.repeat(129)}`, 'a b']) {
      const response = await rawRequest([`x-request-id: ${value}`]);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('x-request-id')?.[0] ?? '', UUID, JSON.stringify(value));
    }
  });

  test('a CR/LF injection attempt never reaches the application as a header', async () => {
    const response = await rawRequest(['x-request-id: abc\rSet-Cookie: stolen=1']);
    // Node's parser refuses a bare CR in a header value (400); either way nothing is echoed.
    assert.ok(response.status === 400 || response.status === 200);
    assert.equal(response.headers.get('set-cookie'), undefined);
    if (response.status === 200) assert.match(response.headers.get('x-request-id')?.[0] ?? '', UUID);
  });

  test('a 64 KiB header is refused by Node (431) and the server keeps serving', async () => {
    const huge = await rawRequest([`baggage: ${'k=v,'.repeat(16_384)}`]);
    assert.equal(huge.status, 431);
    const next = await rawRequest([`traceparent: ${VALID}`, 'x-request-id: after-huge']);
    assert.equal(next.status, 200);
    assert.deepEqual(next.headers.get('x-request-id'), ['after-huge']);
  });
});
