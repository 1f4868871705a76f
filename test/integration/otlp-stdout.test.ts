// The `otlp/stdout` exporter: one OTLP JSON request per line, one record per request.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExportResultCode } from '@opentelemetry/core';
import { LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OtlpJsonStreamExporter } from '../../src/index.ts';
import { flattenRequest } from '../helpers/otlp-records.ts';
import { runNodeScript } from '../helpers/run-cli-process.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/stdout-logs.ts', import.meta.url));

test('OTEL_LOGS_EXPORTER=otlp/stdout: one record per line, resource and scope repeated, ids intact', async () => {
  const result = await runNodeScript(FIXTURE, [], {
    env: {
      ...process.env,
      OTEL_LOGS_EXPORTER: 'otlp/stdout',
      OTEL_SERVICE_NAME: 'checkout',
      STDOUT_TEST_COUNT: '40',
    },
    readSlowly: true,
  });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 40);
  const resources = new Set<string>();
  lines.forEach((line, i) => {
    const request = JSON.parse(line) as {
      resourceLogs: Array<{
        resource: unknown;
        scopeLogs: Array<{ scope: { name: string }; logRecords: unknown[] }>;
      }>;
    };
    assert.equal(request.resourceLogs.length, 1);
    assert.equal(request.resourceLogs[0]?.scopeLogs.length, 1);
    assert.equal(request.resourceLogs[0]?.scopeLogs[0]?.logRecords.length, 1);
    assert.equal(request.resourceLogs[0]?.scopeLogs[0]?.scope.name, 'checkout.api');
    resources.add(JSON.stringify(request.resourceLogs[0]?.resource));
    const [record] = flattenRequest(request);
    assert.equal(record?.body, `order ${i}`);
    assert.equal(record?.attributes['request.id'], `req-${i}`);
    assert.equal(record?.traceId, (i + 1).toString(16).padStart(32, '0'));
    assert.equal(record?.attributes['note'], 'a "quoted"\nmultiline value');
  });
  assert.equal(resources.size, 1, 'the same resource on every line');
  assert.match([...resources][0] ?? '', /"checkout"/);
});

function oneRecord(body: string): ReadableLogRecord {
  let captured: ReadableLogRecord | undefined;
  const provider = new LoggerProvider({
    processors: [
      new SimpleLogRecordProcessor({
        exporter: {
          export: (logs, done) => ((captured = logs[0]), done({ code: ExportResultCode.SUCCESS })),
          shutdown: () => Promise.resolve(),
          forceFlush: () => Promise.resolve(),
        },
      }),
    ],
  });
  provider.getLogger('t').emit({ body });
  return captured!;
}

test('a stream that stops reading: the backlog is bounded and what does not fit is counted stream_full', () => {
  const written: Uint8Array[] = [];
  const stuck = { write: (chunk: Uint8Array) => (written.push(chunk), false), once: () => undefined };
  const counts: Record<string, number> = {};
  const exporter = new OtlpJsonStreamExporter({
    stream: stuck,
    maxBacklogBytes: 4096,
    listener: {
      delivered: (n) => (counts['delivered'] = (counts['delivered'] ?? 0) + n),
      spooled: () => undefined,
      unspooled: () => undefined,
      dropped: (reason, n) => (counts[reason] = (counts[reason] ?? 0) + n),
    },
  });
  const record = oneRecord('x'.repeat(200));
  const results: number[] = [];
  for (let i = 0; i < 100; i++) exporter.export([record], (result) => results.push(result.code));
  assert.equal(written.length, 1, 'after the stream asked to wait, nothing more is written');
  assert.equal(counts['delivered'], 1);
  const backlogLines = 100 - 1 - (counts['stream_full'] ?? 0);
  assert.ok(backlogLines > 0 && backlogLines * 300 <= 4096 + 300, `backlog of ${backlogLines} lines`);
  assert.ok((counts['stream_full'] ?? 0) > 80);
  assert.equal(results.length, 100, 'export() always calls back at once');
});

test('a fast stream: large backlogs are written a slice per event-loop turn, and forceFlush waits for them', async () => {
  let bytes = 0;
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((bytes += chunk.length), done()) });
  const exporter = new OtlpJsonStreamExporter({ stream: sink, maxBacklogBytes: 64 * 1024 * 1024 });
  const record = oneRecord('y'.repeat(16 * 1024));
  const batch = Array.from({ length: 512 }, () => record);
  exporter.export(batch, () => undefined);
  let bytesAtNextTurn = -1;
  setImmediate(() => (bytesAtNextTurn = bytes));
  await exporter.forceFlush();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(bytesAtNextTurn < bytes, `yielded before writing it all (${bytesAtNextTurn} of ${bytes})`);
  assert.ok(bytes > 512 * 16 * 1024);
});
