import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createLogging, type Logging, type LoggingOptions } from '../../src/index.ts';
// The console sink with an injected writer (the public `exporter: 'console'` writes to stdout,
// which the test runner itself uses).
import { ConsoleLineExporter } from '../../src/exporters/console-exporter.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

const HOSTILE =
  'paid\r\n2026-01-01T00:00:00.000Z ERROR forged line\u2028sep\u2029para \u001b[31mred\u001b[0m \u0007bell \u0085nel \u009b2J tab\tend';
/** Characters that must never reach a terminal raw. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

async function consoleLines(
  emit: (logging: Logging) => void,
  options: LoggingOptions = {},
): Promise<string[]> {
  const lines: string[] = [];
  const logging = createLogging({
    exporter: new ConsoleLineExporter({ write: (line) => lines.push(line), colour: false }),
    handleSignals: false,
    env: {},
    ...options,
  });
  emit(logging);
  await logging.forceFlush();
  await logging.shutdown();
  return lines;
}

describe('console sink: one record is one line, and text cannot drive the terminal', () => {
  test('CR/LF, U+2028/2029, ANSI escapes and other controls in the body are escaped', async () => {
    const lines = await consoleLines((logging) => logging.getLogger('pay').info(HOSTILE));
    assert.equal(lines.length, 1);
    const line = lines[0] ?? '';
    assert.doesNotMatch(line, RAW_CONTROL);
    assert.match(
      line,
      /paid\\r\\n2026-01-01T00:00:00\.000Z ERROR forged line\\u2028sep\\u2029para \\u001b\[31mred/,
    );
    assert.match(line, /\\u0007bell \\u0085nel \\u009b2J tab\\tend/);
  });

  test('attribute keys and values, the module name and the service name are escaped too', async () => {
    const lines = await consoleLines(
      (logging) =>
        logging
          .getLogger('mod\nname')
          .warn('m', { 'key\r\n': `v\u001b]8;;http://evil\u0007`, nested: { x: '\u2028' } }),
      { serviceName: 'svc\u001b[2J' },
    );
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', RAW_CONTROL);
    assert.match(lines[0] ?? '', /svc\\u001b\[2J mod\\nname/);
  });

  test('with colour on, the only escape sequences are the severity colours', async () => {
    const lines: string[] = [];
    const logging = createLogging({
      exporter: new ConsoleLineExporter({ write: (line) => lines.push(line), colour: true }),
      handleSignals: false,
      env: {},
    });
    logging.getLogger('x').error(HOSTILE);
    await logging.shutdown();
    // eslint-disable-next-line no-control-regex
    const escapes = (lines[0] ?? '').match(/\u001b\[[0-9;]*m/g) ?? [];
    assert.deepEqual(escapes, ['\u001b[31m', '\u001b[0m']);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch((lines[0] ?? '').replace(/\u001b\[(31|0)m/g, ''), RAW_CONTROL);
  });

  test('secrets are redacted before the console sees them', async () => {
    const lines = await consoleLines((logging) =>
      logging.getLogger('auth').info('login with Bearer abcdefghijklmnopqrstuvwxyz', { password: 'hunter2' }),
    );
    assert.doesNotMatch(lines[0] ?? '', /abcdefghijklmnop|hunter2/);
  });
});

describe('OTLP sinks keep text exactly (escaping is the terminal sink’s job only)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'logweave-sinks-'));
  after(() => rmSync(directory, { recursive: true, force: true }));
  const exact = `${HOSTILE} emoji 😀 nul \u0000 ∑`;

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    test(`OTLP/HTTP ${protocol}: body and attributes arrive byte for byte`, async () => {
      const receiver = await startOtlpReceiver();
      const logging = createLogging({ otlp: { url: receiver.url, protocol }, handleSignals: false, env: {} });
      try {
        logging.getLogger('x').info(exact, { value: exact });
        await logging.forceFlush();
        const [record] = await receiver.waitForRecords(1);
        assert.equal(record?.body, exact);
        assert.equal(record?.attributes['value'], exact);
      } finally {
        await logging.shutdown();
        await receiver.close();
      }
    });
  }

  test('file sink (OTLP JSON lines): one line per request, text exact after decoding', async () => {
    const path = join(directory, 'logs.jsonl');
    const logging = createLogging({ exporter: 'file', file: { path }, handleSignals: false, env: {} });
    logging.getLogger('x').info(exact);
    logging.getLogger('x').info('second');
    await logging.shutdown();
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    const bodies = lines.flatMap((line) => {
      const request = JSON.parse(line) as {
        resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ body: { stringValue: string } }> }> }>;
      };
      return request.resourceLogs.flatMap((resource) =>
        resource.scopeLogs.flatMap((scope) => scope.logRecords.map((record) => record.body.stringValue)),
      );
    });
    assert.deepEqual(bodies, [exact, 'second']);
  });
});
