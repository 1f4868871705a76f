import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogging, injectContext, type Logging, runWithRequestContext } from '../../src/index.ts';
import { runCli } from '../helpers/run-cli-process.ts';

// A fixture produced by the real pipeline: two services' file sinks writing one file, the
// second continuing the first one's traces through injected headers, as over HTTP.
const workDir = mkdtempSync(join(tmpdir(), 'logweave-cli-pipeline-'));
const file = join(workDir, 'logs.jsonl');
const REQUESTS = 1500;
const traceIds: string[] = [];
const traceByRequestId = new Map<string, string>();

function pipeline(serviceName: string): Logging {
  return createLogging({
    serviceName,
    exporter: 'file',
    file: { path: file },
    // Small batches so the file holds many lines, each with many records.
    batch: { maxExportBatchSize: 64, scheduledDelayMillis: 10 },
    handleSignals: false,
    env: {},
  });
}

before(async () => {
  const gateway = pipeline('gateway');
  const orders = pipeline('orders');
  // The loop below emits 4,501 records without yielding to I/O: before the file-reading resource
  // detectors (host.id, container id) finish, the batch queue cannot export and would overflow.
  await Promise.all([gateway, orders].map((logging) => logging.resource.waitForAsyncAttributes?.()));
  const gatewayLog = gateway.getLogger('gateway.http');
  const ordersLog = orders.getLogger('orders.db');
  for (let index = 0; index < REQUESTS; index += 1) {
    const headers: Record<string, string> = {};
    await runWithRequestContext({ requestId: `req-${index}` }, async () => {
      gatewayLog.info('request received', { 'http.route': '/orders/:id', index });
      injectContext(headers);
      await Promise.resolve();
      gatewayLog.info('request answered', { 'http.response.status_code': index % 100 === 7 ? 500 : 200 });
    });
    runWithRequestContext({ headers }, () => {
      ordersLog.debug('below the level: never written');
      if (index % 100 === 7) ordersLog.error('query failed', new Error('deadlock detected'));
      else ordersLog.info('order loaded', { 'order.id': `o-${index}` });
    });
  }
  runWithRequestContext({ requestId: 'hostile' }, () => {
    gatewayLog.warn('line one\nFAKE INFO forged\u001b[31m red', { big: 2n ** 63n - 1n });
  });
  await Promise.all([gateway.shutdown(), orders.shutdown()]);
  for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) {
    const request = JSON.parse(line) as {
      resourceLogs: Array<{
        scopeLogs: Array<{
          logRecords: Array<{
            traceId: string;
            attributes: Array<{ key: string; value: { stringValue?: string } }>;
          }>;
        }>;
      }>;
    };
    for (const record of request.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? []) {
      traceIds.push(record.traceId);
      const requestId = record.attributes.find((attribute) => attribute.key === 'request.id')?.value
        .stringValue;
      if (requestId !== undefined) traceByRequestId.set(requestId, record.traceId);
    }
  }
});
after(() => rmSync(workDir, { recursive: true, force: true }));

describe('logweave view over the file sink of the real pipeline', () => {
  test('the file holds many multi-record lines: the fixture exercises batching', () => {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.ok(lines.length >= 40, `${lines.length} lines`);
    assert.equal(traceIds.length, REQUESTS * 3 + 1);
  });

  test('every request is one timeline with both services, gateway first', async () => {
    const result = await runCli(['view', file]);
    assert.equal(result.status, 0, result.stderr);
    const blocks = result.stdout.trimEnd().split('\n\n');
    const summary = blocks.pop();
    assert.equal(
      summary,
      `${REQUESTS * 3 + 1} records in ${REQUESTS + 1} traces, from ${readFileSync(file, 'utf8').trimEnd().split('\n').length} lines`,
    );
    assert.equal(blocks.length, REQUESTS + 1);
    for (const block of blocks.slice(0, REQUESTS)) {
      const [header, ...lines] = block.split('\n');
      assert.match(
        header ?? '',
        /^trace [0-9a-f]{32} .* 3 records {2}services: gateway, orders {2}request: req-\d+$/,
      );
      assert.match(lines[0] ?? '', /INFO {3}gateway {2}gateway\.http {2}\[-\] +request received/);
      assert.ok(
        lines.some((line) => / orders {3}orders\.db /.test(line)),
        block,
      );
    }
  });

  test('--trace picks one request out of the stream, --json keeps its fields', async () => {
    const target = traceByRequestId.get('req-700');
    assert.ok(target !== undefined);
    const result = await runCli(['view', file, '--trace', target, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const records = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(records.length, 3);
    assert.ok(records.every((record) => record['traceId'] === target));
    assert.deepEqual(
      records.map((record) => [record['service'], record['module'], record['body']]),
      [
        ['gateway', 'gateway.http', 'request received'],
        ['gateway', 'gateway.http', 'request answered'],
        ['orders', 'orders.db', 'order loaded'],
      ],
    );
    assert.equal(records[0]?.['requestId'], 'req-700');
    assert.equal(records[2]?.['requestId'], 'req-700', 'the request id crossed the hop');
    assert.deepEqual(records[0]?.['attributes'], {
      'http.route': '/orders/:id',
      index: 700,
      'request.id': 'req-700',
    });
  });

  test('--severity error --service orders lists the failed queries, with stacks on demand', async () => {
    const result = await runCli(['view', file, '--severity', 'error', '--service', 'orders', '--stacks']);
    assert.equal(result.status, 0, result.stderr);
    const errors = result.stdout.split('\n').filter((line) => / ERROR /.test(line));
    assert.equal(errors.length, REQUESTS / 100);
    assert.ok(
      errors.every(
        (line) => line.includes('query failed') && line.includes('"exception.message":"deadlock detected"'),
      ),
    );
    assert.match(result.stdout, /\n {6}\| Error: deadlock detected\n {6}\| {5}at /);
  });

  test('--request-id and --module select across services; hostile text stays on its line', async () => {
    const byRequest = await runCli(['view', file, '--request-id', 'req-42', '--module', 'orders']);
    assert.equal(byRequest.status, 0, byRequest.stderr);
    assert.match(
      byRequest.stdout,
      /1 record {2}services: orders {2}request: req-42\n.*order loaded {2}\{"order\.id":"o-42"\}/,
    );

    const hostile = await runCli(['view', file, '--request-id', 'hostile']);
    assert.equal(hostile.status, 0, hostile.stderr);
    assert.ok(!hostile.stdout.includes('\u001b'));
    assert.match(
      hostile.stdout,
      /line one\\nFAKE INFO forged\\u001b\[31m red {2}\{"big":"9223372036854775807"\}/,
    );
    assert.ok(!/^FAKE/m.test(hostile.stdout));
  });
});
