/*
 * captureConsole / LOGWEAVE_CAPTURE_CONSOLE: console.* calls reach the pipeline (module
 * `console`, severity by method, in the caller's request context) and are printed as before;
 * console calls made by logweave's own machinery (an exporter, a formatter while logweave emits,
 * OTel's export callbacks) are printed only, never fed back; shutdown restores the console.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SeverityNumber } from '@opentelemetry/api';

interface Summary {
  captured: boolean;
  restored: boolean;
  keptFormatted: number;
  records: Array<{
    scope: string;
    severityNumber: number;
    severityText: string;
    body: string;
    attributes: Record<string, unknown>;
  }>;
}

async function runChild(
  capture: string,
  consoleInfo = '1',
): Promise<{ stdout: string; stderr: string; summary: Summary }> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('../fixtures/console-capture-child.ts', import.meta.url))],
    {
      env: { ...process.env, CAPTURE: capture, CONSOLE_INFO: consoleInfo },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let summary = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  (child.stdio[3] as NodeJS.ReadableStream).on(
    'data',
    (chunk: Buffer) => (summary += chunk.toString('utf8')),
  );
  const [code] = await once(child, 'close');
  assert.equal(code, 0, stderr);
  return { stdout, stderr, summary: JSON.parse(summary) as Summary };
}

describe('console capture', () => {
  test('console calls become records in the request context, and are printed as before', async () => {
    const { stdout, stderr, summary } = await runChild('true');
    assert.equal(summary.captured, true);
    const fromConsole = summary.records.filter((record) => record.scope === 'console');
    assert.deepEqual(
      fromConsole.map((record) => [record.body, record.severityNumber, record.severityText]),
      [
        ['log line { x: 1 }', SeverityNumber.INFO, 'INFO'],
        ['info line', SeverityNumber.INFO, 'INFO'],
        ['warn line', SeverityNumber.WARN, 'WARN'],
        [fromConsole[3]?.body, SeverityNumber.ERROR, 'ERROR'],
        ['debug line', SeverityNumber.DEBUG, 'DEBUG'],
        ['trace line', SeverityNumber.TRACE, 'TRACE'],
        ['with counted', SeverityNumber.INFO, 'INFO'],
        ['outer reentrant', SeverityNumber.INFO, 'INFO'],
      ],
    );
    for (const record of fromConsole) assert.equal(record.attributes['request.id'], 'req-console');
    assert.match(fromConsole[3]?.body ?? '', /^error line TypeError: bad thing\n\s+at /);
    assert.equal(fromConsole[3]?.attributes['exception.type'], 'TypeError');
    assert.equal(fromConsole[3]?.attributes['exception.message'], 'bad thing');
    assert.match(String(fromConsole[5]?.attributes['code.stacktrace']), /console-capture-child\.ts/);
    assert.doesNotMatch(
      String(fromConsole[5]?.attributes['code.stacktrace']),
      /console-capture\.ts|console-call\.ts/,
    );
    // Never recursing: what the exporter, its late callback and a formatter printed is not a record.
    assert.deepEqual(
      summary.records.filter((record) => /exporter:|printed while/.test(record.body)),
      [],
    );
    assert.equal(summary.records.length, fromConsole.length);
    // The console printed everything, as without logweave.
    for (const line of ['log line { x: 1 }', 'info line', 'debug line', 'with counted', 'outer reentrant']) {
      assert.ok(stdout.includes(`${line}\n`), `stdout has "${line}"`);
    }
    assert.match(stdout, /printed while logweave formats/);
    assert.match(stdout, /exporter: \d+ records/);
    assert.match(stderr, /warn line\n/);
    assert.match(stderr, /Trace: trace line\n\s+at /);
    assert.match(stderr, /exporter: a late callback of the export/);
    assert.equal(summary.keptFormatted, 2, 'formatted by the console, and once more for the kept record');
    assert.equal(summary.restored, true, 'shutdown puts the original console methods back');
    assert.match(stdout, /after shutdown/);
  });

  test('the sampling policy governs module console; a dropped call is not formatted for logweave', async () => {
    const { summary, stdout } = await runChild('true', '0');
    const bodies = summary.records
      .filter((record) => record.scope === 'console')
      .map((record) => record.body);
    assert.deepEqual(bodies.slice(0, 1), ['warn line']);
    assert.ok(!bodies.some((body) => body.startsWith('log line') || body === 'with counted'));
    assert.equal(summary.keptFormatted, 1, 'only the console formatted the dropped call');
    assert.match(stdout, /with counted/);
  });

  test('off by default: the console is untouched', async () => {
    const { summary, stdout } = await runChild('false');
    assert.equal(summary.captured, false);
    assert.deepEqual(
      summary.records.filter((record) => record.scope === 'console'),
      [],
    );
    assert.match(stdout, /log line \{ x: 1 \}/);
  });
});
