import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { after, before, describe, test } from 'node:test';
import { captureContext, contextToEnv, runWithRequestContext } from '../../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const INCOMING = {
  traceparent: `00-${TRACE_ID}-eee19b7ec3c1b174-01`,
  'x-request-id': 'parent-req',
  baggage: 'tenant=acme',
};

describe('context across process boundaries', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  test('a record logged in a worker thread carries the parent request trace id and request id', async () => {
    const captured = runWithRequestContext({ headers: INCOMING }, () => captureContext());
    assert.equal(captured.requestId, 'parent-req');
    assert.equal(captured.baggage, 'tenant=acme');
    const worker = new Worker(fixture('worker-logs.ts'), { workerData: { url: receiver.url, captured } });
    const [message] = await once(worker, 'message');
    assert.equal(message, 'done');
    const record = (await receiver.waitForRecords(1)).find((r) => r.serviceName === 'worker');
    assert.equal(record?.traceId, TRACE_ID);
    assert.equal(record?.attributes['request.id'], 'parent-req');
  });

  test('a child process started with contextToEnv() continues the parent trace', async () => {
    const carriers = runWithRequestContext({ headers: INCOMING }, () => contextToEnv());
    assert.match(carriers['TRACEPARENT'] ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    const child = spawn(process.execPath, [fixture('child-logs.ts')], {
      env: { ...process.env, ...carriers, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    const records = await receiver.waitForRecords(2);
    const record = records.find((r) => r.serviceName === 'child');
    assert.equal(record?.traceId, TRACE_ID);
    assert.equal(record?.attributes['request.id'], 'parent-req');
    assert.notEqual(
      record?.spanId,
      carriers['TRACEPARENT']?.slice(36, 52),
      'the child has a span id of its own',
    );
  });
});

describe('shutdown on SIGTERM', () => {
  test('a child that logged N lines delivers all N before it dies of the signal', async () => {
    const receiver = await startOtlpReceiver();
    const lines = 2000;
    const child = spawn(process.execPath, [fixture('sigterm-logs.ts')], {
      env: { ...process.env, LINES: String(lines), OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout, 'data');
    assert.equal(receiver.records.length, 0, 'nothing is exported before the signal');
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    assert.equal(code, null);
    assert.equal(signal, 'SIGTERM', 'the process ends as it would have without logweave');
    const indexes = new Set(receiver.records.map((r) => r.attributes['index']));
    assert.equal(indexes.size, lines);
    await receiver.close();
  });
});
