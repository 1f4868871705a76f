/*
 * Issue 17, "Done when" 1: a Fastify service that logs only through `request.log` and pino child
 * loggers per module (logweave/pino as a pino destination beside pino's own output,
 * `logweaveServerOptions`, the plugin) delivers every record over real OTLP with logweave's
 * request id and the request's trace, per-module sampling and the error buffer, under ES modules
 * and under CommonJS, for 2,000 concurrent requests.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { logweaveServerOptions } from '../../integrations/fastify/index.ts';
import { LogweaveConfigError } from '../../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { ReceivedRecord } from '../helpers/otlp-records.ts';
import { send } from './support/http-fixtures.ts';

const REQUESTS = 2_000;
const TRACE_ID = (i: number): string => `${(i + 1).toString(16).padStart(8, '0')}${'a'.repeat(24)}`;

const children: ChildProcess[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function startService(entry: string, otlpUrl: string): Promise<{ url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../fixtures/${entry}`, import.meta.url))], {
    env: { ...process.env, OTLP_URL: otlpUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${entry} exited with ${String(code)} before it was ready:\n${stderr}`);
  });
  const ready = new Promise<string>((resolve) =>
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.slice(6));
    }),
  );
  const port = await Promise.race([ready, exited]);
  return { url: `http://127.0.0.1:${port}`, stderr: () => stderr };
}

interface Sent {
  requestId: string;
  traceId: string | undefined;
  status: number;
}

async function sendAll(url: string): Promise<Sent[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 500 });
  try {
    return await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i): Promise<Sent> => {
        const headers: Record<string, string> = {};
        if (i % 2 === 0) headers['x-request-id'] = `req-${i}`;
        if (i % 3 === 0) headers['traceparent'] = `00-${TRACE_ID(i)}-00f067aa0ba902b7-01`;
        const response = await send(`${url}/orders/${i}`, { body: { i }, headers, agent });
        const requestId = String(response.headers['x-request-id']);
        if (response.status === 200) {
          const body = JSON.parse(response.body) as { i: number; requestId: string };
          assert.equal(body.i, i);
          assert.equal(body.requestId, requestId, `request ${i}: Fastify's request.id is logweave's id`);
        }
        return { requestId, traceId: i % 3 === 0 ? TRACE_ID(i) : undefined, status: response.status };
      }),
    );
  } finally {
    agent.destroy();
  }
}

async function checkService(entry: string): Promise<void> {
  const receiver = await startOtlpReceiver();
  receivers.push(receiver);
  const service = await startService(entry, receiver.url);
  const sent = await sendAll(service.url);
  const flushed = await send(`${service.url}/__flush`);
  const { stats, stdoutLines } = JSON.parse(flushed.body) as {
    stats: { dropped: Record<string, number>; kept: Record<string, number> };
    stdoutLines: number;
  };
  const failed = (i: number): boolean => i % 10 === 0;
  const expectedPerRequest = (i: number): number => (failed(i) ? 5 : 3);
  let expected = 0;
  for (let i = 0; i < REQUESTS; i++) expected += expectedPerRequest(i);
  const received = await receiver.waitForRecords(expected + 1, 60_000);
  // Fastify's "Server listening at …" line, logged at startup outside any request.
  const startup = received.filter((record) => String(record.body).startsWith('Server listening at'));
  assert.equal(startup.length, 1);
  assert.equal(startup[0]?.attributes['request.id'], undefined);
  const records = received.filter(
    (record) => record.attributes['url.path'] !== '/__flush' && !startup.includes(record),
  );

  // pino's own output got every line, the sampled-out ones too (multistream beside logweave).
  assert.equal(stdoutLines, REQUESTS * 3 + 1, 'pino stdout lines (and the startup line)');

  const indexOfRequestId = new Map(sent.map((s, i) => [s.requestId, i]));
  assert.equal(indexOfRequestId.size, REQUESTS, 'every request got its own id');
  const perRequest = new Map<number, ReceivedRecord[]>();
  for (const record of records) {
    const requestId = record.attributes['request.id'];
    assert.equal(typeof requestId, 'string', `record "${String(record.body)}" has no request id`);
    const i = indexOfRequestId.get(requestId as string);
    assert.notEqual(
      i,
      undefined,
      `record "${String(record.body)}" has a foreign request id ${String(requestId)}`,
    );
    const tagged = record.attributes['test.i'];
    if (tagged !== undefined) assert.equal(tagged, i, `record "${String(record.body)}" of request ${tagged}`);
    perRequest.set(i!, [...(perRequest.get(i!) ?? []), record]);
  }
  for (let i = 0; i < REQUESTS; i++) {
    const own = perRequest.get(i) ?? [];
    const byBody = own.map((record) => `${record.scope}: ${String(record.body)}`).sort();
    const want = [
      'logweave.http: request completed',
      'orders: order stored',
      'pino: order received',
      ...(failed(i) ? ['logweave.http: request failed', 'payments: charging'] : []),
    ].sort();
    // Fastify's own lines (incoming request, request completed, its error handler's line) are
    // replaced by logweave's access and error records (logweaveServerOptions).
    assert.deepEqual(byBody, want, `records of request ${i}`);
    assert.equal(sent[i]!.status, failed(i) ? 500 : 200);
    const traceIds = new Set(own.map((record) => record.traceId));
    assert.equal(traceIds.size, 1, `one trace per request (${i})`);
    const [traceId] = traceIds;
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/);
    if (sent[i]!.traceId !== undefined)
      assert.equal(traceId, sent[i]!.traceId, `request ${i} continues its trace`);
    const charging = own.find((record) => record.body === 'charging');
    if (charging !== undefined) {
      assert.equal(charging.attributes['logweave.sampling.rule'], 'error_buffer');
      assert.equal(charging.severityText, 'info');
    }
    const failure = own.find((record) => record.body === 'request failed');
    if (failure !== undefined) assert.equal(failure.attributes['exception.message'], `boom ${i}`);
  }
  assert.equal(
    stats.dropped['sampled_out'],
    REQUESTS - REQUESTS / 10,
    'payments INFO of the requests that did not fail',
  );
  assert.equal(
    service.stderr().match(/FSTDEP/g),
    null,
    `no Fastify deprecation warning: ${service.stderr()}`,
  );
}

describe(`pino → logweave in a Fastify service, ${REQUESTS} concurrent requests over OTLP`, () => {
  test('ES modules', { timeout: 120_000 }, () => checkService('pino-fastify-esm.ts'));
  test('CommonJS', { timeout: 120_000 }, () => checkService('pino-fastify-cjs.cts'));
  test('logweaveServerOptions needs the object createLogging() returned', () => {
    assert.throws(
      () => logweaveServerOptions({} as never),
      (error: unknown) =>
        error instanceof LogweaveConfigError && error.path === 'logweaveServerOptions.logging',
    );
  });
});
