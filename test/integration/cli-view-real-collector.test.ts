import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/run-cli-process.ts';

/*
 * Written by a real OpenTelemetry Collector (otelcol built with the official builder, v0.159.0:
 * otlp receiver → batch processor → file exporter, `format: json`) while `npm run demo` ran
 * against it (OTEL_EXPORTER_OTLP_ENDPOINT, DEMO_REQUESTS=24), and the OpenTelemetry Python SDK
 * payments service of examples/python-payments (OTEL_SERVICE_NAME=payments-py) was called with
 * the traceparent and x-request-id of the demo's failed request demo-0012, then once on its own.
 * The batch processor put everything into one line: 73 records from four resources.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/collector-file-exporter.jsonl', import.meta.url));
const FAILED_TRACE = 'b605ca336f51b4efb378d6c3fa5e959e';

interface JsonRecord {
  traceId: string;
  service: string;
  module: string;
  severity: string;
  requestId: string;
  body: unknown;
  attributes: Record<string, unknown>;
}

async function viewJson(...args: string[]): Promise<JsonRecord[]> {
  const result = await runCli(['view', FIXTURE, '--json', ...args]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonRecord);
}

describe('logweave view over a real Collector file exporter output', () => {
  test('every record of the batched line is read, grouped into its traces', async () => {
    const result = await runCli(['view', FIXTURE]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\n73 records in 8 traces, from 1 line\n$/);
    assert.equal(result.stderr, '');
  });

  test('the failed request is one timeline across three logweave services and the Python SDK service', async () => {
    const records = await viewJson('--trace', FAILED_TRACE);
    assert.equal(records.length, 19);
    assert.deepEqual(
      [...new Set(records.map((record) => record.service))],
      ['gateway', 'orders', 'payments', 'payments-py'],
    );
    // The Python SDK's records come last (its request was made after the demo's) and keep their shape.
    const python = records.filter((record) => record.service === 'payments-py');
    assert.deepEqual(
      python.map((record) => [record.module, record.severity, record.body]),
      [
        ['payments.charges', 'INFO', 'payment authorized'],
        ['payments.charges', 'ERROR', 'payment declined'],
      ],
    );
    assert.equal(python[0]?.attributes['e2e.seq'], 12, 'a 64-bit integer string from the Collector');
    // logweave's records: the error buffer kept the sampled-out INFO lines of the failed request.
    const logweaveInfo = records.filter(
      (record) => record.service !== 'payments-py' && record.severity === 'INFO',
    );
    assert.ok(logweaveInfo.length >= 6);
    assert.ok(logweaveInfo.every((record) => record.attributes['logweave.sampling.rule'] === 'error_buffer'));
  });

  test('--request-id finds the request in every service that stamped it, Python included', async () => {
    const records = await viewJson('--request-id', 'demo-0012');
    assert.deepEqual([...new Set(records.map((record) => record.service))].sort(), [
      'gateway',
      'orders',
      'payments',
      'payments-py',
    ]);
    assert.ok(records.every((record) => record.traceId === FAILED_TRACE));
  });

  test('--severity error --module payments: the failures of both payments services', async () => {
    const records = await viewJson('--severity', 'error', '--module', 'payments');
    assert.ok(records.length > 0);
    assert.ok(records.every((record) => record.severity === 'ERROR' && record.module.startsWith('payments')));
    assert.ok(records.some((record) => record.service === 'payments-py'));
    const http = await viewJson('--severity', 'error', '--service', 'payments', '--module', 'logweave.http');
    assert.ok(http.length >= 2 && http.every((record) => record.module === 'logweave.http'));
  });
});
