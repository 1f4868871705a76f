import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../helpers/run-cli-process.ts';

// Hand-written in the Collector file exporter's format: hex ids, 64-bit integers as strings,
// several resources and records per line, a traces line mixed in, a record with only an
// observed time, a WARN with only severity text, a record outside any trace.
const FIXTURE = fileURLToPath(new URL('../fixtures/collector-logs.jsonl', import.meta.url));
const TRACE_A = '5b8efff798038103d269b633813fc60c';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';

interface JsonRecord {
  time: string;
  timeUnixNano: string;
  traceId: string;
  spanId: string;
  service: string;
  module: string;
  severity: string;
  severityNumber: number;
  severityText: string;
  requestId: string;
  body: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

function parseJsonLines(stdout: string): JsonRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonRecord);
}

/**
 * What the text view escapes (C0 and C1 controls, DEL, line and paragraph separators, bidi
 * controls, zero-width characters), written out here independently of the implementation.
 */
const RAW_UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
const UNSAFE_SAMPLES = [
  '\u001b[2J',
  '\r',
  '\n',
  '\t',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200b',
  '\u200e',
  '\u200f',
  '\u2060',
  '\ufeff',
];

/** `label` followed by every sample: a string a hostile producer could log. */
function hostile(label: string): string {
  return `${label}:${UNSAFE_SAMPLES.join('|')}`;
}

function assertNoRawUnsafe(stdout: string): void {
  for (const [index, line] of stdout.split('\n').entries()) {
    const found = RAW_UNSAFE.exec(line)?.[0];
    const code = found?.codePointAt(0)?.toString(16).padStart(4, '0');
    assert.ok(
      found === undefined,
      `line ${index + 1} holds a raw U+${code}: ${JSON.stringify(line.slice(0, 200))}`,
    );
  }
}

/** One OTLP JSON request with a hostile string in every field a producer controls. */
function hostileRequest(): unknown {
  const text = (label: string) => ({ stringValue: hostile(label) });
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: text('service') },
            { key: hostile('resource key'), value: text('resource value') },
          ],
        },
        scopeLogs: [
          {
            scope: { name: hostile('module') },
            logRecords: [
              {
                timeUnixNano: '1700000000000000000',
                severityNumber: 17,
                severityText: hostile('severity'),
                traceId: TRACE_A,
                spanId: '1f2e3d4c5b6a7988',
                body: {
                  kvlistValue: {
                    values: [
                      {
                        key: hostile('body key'),
                        value: { arrayValue: { values: [text('body item'), { intValue: '1' }] } },
                      },
                    ],
                  },
                },
                attributes: [
                  { key: 'request.id', value: text('request') },
                  { key: 'exception.stacktrace', value: text('stack') },
                  { key: hostile('key'), value: text('value') },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

const workDir = mkdtempSync(join(tmpdir(), 'logweave-cli-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

describe('logweave view over a Collector file exporter output', () => {
  test('prints one timeline per trace, records in time order across lines and services', async () => {
    const result = await runCli(['view', FIXTURE]);
    assert.equal(result.status, 0, result.stderr);
    const blocks = result.stdout.trim().split('\n\n');
    assert.equal(blocks.length, 4, result.stdout); // trace A, trace B, no trace, summary
    const [traceA, traceB, untraced, summary] = blocks as [string, string, string, string];
    assert.match(
      traceA,
      new RegExp(
        `^trace ${TRACE_A} .* 5 records {2}services: gateway, orders, payments-py {2}request: req-a`,
      ),
    );
    const messagesA = traceA
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {2,}/)[7]);
    // Why each line is there: the ERROR always; the others carry no sampling rule in this fixture.
    const keptA = traceA
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {2,}/)[6]);
    assert.deepEqual(keptA, ['[-]', '[-]', '[-]', '[error]', '[-]']);
    assert.deepEqual(messagesA, [
      'GET /orders/7',
      'order loaded',
      'charging card',
      'card declined\\u001b[2J\\nFAKE 00:00:00.000 INFO forged line',
      'retrying\\u2028soon',
    ]);
    // Columns: time, offset, severity (range name even for 'INFO2' / 'WARNING'), service, module.
    const severitiesA = traceA
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[2]);
    assert.deepEqual(severitiesA, ['INFO', 'INFO', 'INFO', 'ERROR', 'WARN']);
    assert.match(traceA, /\+50\.0ms {2}INFO {3}orders {7}orders\.api +\[-\]/);
    assert.match(traceA, /"ledger\.sequence":"9007199254740993"/, 'a 64-bit integer keeps every digit');
    assert.match(traceA, /"code\.lineno":42/);
    assert.match(traceB, new RegExp(`^trace ${TRACE_B} .* 2 records`));
    assert.match(
      traceB,
      /22:13:20\.310 .* WARN {3}orders/,
      'an unknown time falls back to the observed time',
    );
    assert.match(untraced, /^no trace .* 1 record {2}services: orders\n.*orders service started$/);
    assert.equal(summary, '8 records in 2 traces (1 without a trace), from 4 lines');
    assert.match(result.stderr, /skipped 1 lines of other signals/);
  });

  test('text output escapes control characters, ANSI escapes and line separators', async () => {
    const result = await runCli(['view', FIXTURE, '--stacks']);
    assert.equal(result.status, 0);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw ESC reaches the terminal');
    assert.ok(!result.stdout.includes('\u2028'), 'no raw U+2028');
    assert.ok(!/^FAKE/m.test(result.stdout), 'a message cannot forge a line of its own');
    assert.match(
      result.stdout,
      /\n {6}\| Traceback \(most recent call last\):\n {6}\| {3}File "app\.py", line 42/,
    );
  });

  test('filters: --trace, --service, --module, --severity, --request-id, combined with AND', async () => {
    const byTrace = parseJsonLines(
      (await runCli(['view', FIXTURE, '--json', '--trace', TRACE_B.toUpperCase()])).stdout,
    );
    assert.deepEqual(
      byTrace.map((record) => record.body),
      ['GET /orders/8', 'slow inventory'],
    );

    const byService = parseJsonLines(
      (await runCli(['view', FIXTURE, '--json', '--service', 'payments-py'])).stdout,
    );
    assert.equal(byService.length, 3);
    assert.ok(byService.every((record) => record.service === 'payments-py'));

    const bySeverity = parseJsonLines(
      (await runCli(['view', FIXTURE, '--json', '--severity', 'WARN'])).stdout,
    );
    assert.deepEqual(
      bySeverity.map((record) => record.severity),
      ['ERROR', 'WARN', 'WARN'],
    );

    const byModule = parseJsonLines(
      (await runCli(['view', FIXTURE, '--json', '--module', 'payments', '--module', '*.http'])).stdout,
    );
    assert.deepEqual([...new Set(byModule.map((record) => record.module))].sort(), [
      'gateway.http',
      'payments.app',
    ]);

    const byRequest = parseJsonLines(
      (await runCli(['view', FIXTURE, '--json', '--request-id', 'req-a', '--service', 'orders'])).stdout,
    );
    assert.deepEqual(
      byRequest.map((record) => record.body),
      ['order loaded'],
    );

    const none = await runCli(['view', FIXTURE, '--service', 'nobody']);
    assert.equal(none.status, 0);
    assert.match(none.stdout, /^no records matched \(4 lines read\)$/m);
  });

  test('--json gives every field as plain values, in timeline order', async () => {
    const result = await runCli(['view', FIXTURE, '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(!result.stdout.includes('\u2028'), 'U+2028 is escaped in JSON output too');
    const records = parseJsonLines(result.stdout);
    assert.equal(records.length, 8);
    assert.deepEqual(
      records.map((record) => record.traceId),
      [TRACE_A, TRACE_A, TRACE_A, TRACE_A, TRACE_A, TRACE_B, TRACE_B, ''],
    );
    const orders = records[1];
    assert.deepEqual(orders, {
      time: '2023-11-14T22:13:20.150Z',
      timeUnixNano: '1700000000150000000',
      traceId: TRACE_A,
      spanId: '1f2e3d4c5b6a7988',
      service: 'orders',
      module: 'orders.api',
      severity: 'INFO',
      severityNumber: 10,
      severityText: 'INFO2',
      requestId: 'req-a',
      keptBy: '-',
      body: 'order loaded',
      attributes: { 'request.id': 'req-a', order: { id: 'o-7', items: [1, 2] } },
      resource: { 'service.name': 'orders' },
    });
    const python = records.find((record) => record.body === 'charging card');
    assert.equal(python?.resource['process.pid'], 4242);
    assert.equal(python?.attributes['ledger.sequence'], '9007199254740993');
    const warning = records.find((record) => record.severityText === 'WARNING');
    assert.equal(warning?.severity, 'WARN');
    assert.equal(warning?.severityNumber, 0);
  });

  test('--json escapes what the text view escapes in every string, keys included, and stays valid JSON', async () => {
    const file = join(workDir, 'hostile.json');
    writeFileSync(file, `${JSON.stringify(hostileRequest())}\n`);
    const json = await runCli(['view', file, '--json']);
    assert.equal(json.status, 0, json.stderr);
    assertNoRawUnsafe(json.stdout);
    const [record] = parseJsonLines(json.stdout);
    assert.deepEqual(record, {
      time: '2023-11-14T22:13:20.000Z',
      timeUnixNano: '1700000000000000000',
      traceId: TRACE_A,
      spanId: '1f2e3d4c5b6a7988',
      service: hostile('service'),
      module: hostile('module'),
      severity: 'ERROR',
      severityNumber: 17,
      severityText: hostile('severity'),
      requestId: hostile('request'),
      keptBy: 'error',
      body: { [hostile('body key')]: [hostile('body item'), 1] },
      attributes: {
        'request.id': hostile('request'),
        'exception.stacktrace': hostile('stack'),
        [hostile('key')]: hostile('value'),
      },
      resource: { 'service.name': hostile('service'), [hostile('resource key')]: hostile('resource value') },
    });
    const text = await runCli(['view', file, '--stacks']);
    assert.equal(text.status, 0, text.stderr);
    assertNoRawUnsafe(text.stdout);
  });

  test('--json: seeded random strings of unsafe characters round-trip and never reach stdout raw', async () => {
    const unit = fc.constantFrom(...UNSAFE_SAMPLES, 'a', ' ', '"', '\\', '/', 'é', '😀');
    const bodies = fc.sample(fc.string({ unit, maxLength: 24 }), { seed: 20260114, numRuns: 300 });
    const file = join(workDir, 'hostile-random.json');
    const logRecords = bodies.map((body, index) => ({
      timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(index) * 1_000_000n),
      severityNumber: 9,
      body: { stringValue: body },
      attributes: [{ key: body, value: { stringValue: body } }],
    }));
    writeFileSync(file, `${JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] })}\n`);
    const result = await runCli(['view', file, '--json']);
    assert.equal(result.status, 0, result.stderr);
    assertNoRawUnsafe(result.stdout);
    const records = parseJsonLines(result.stdout);
    assert.deepEqual(
      records.map((record) => record.body),
      bodies,
    );
    assert.deepEqual(
      records.map((record) => record.attributes),
      bodies.map((body) => ({ [body]: body })),
    );
  });

  test('.gz and .zst files are decompressed as they are read; a bad archive is named', async () => {
    const text = readFileSync(FIXTURE);
    const gz = join(workDir, 'rotated.jsonl.1.gz');
    const zst = join(workDir, 'rotated.jsonl.2.zst');
    writeFileSync(gz, gzipSync(text));
    writeFileSync(zst, zstdCompressSync(text));
    const result = await runCli(['view', gz, zst, '--json', '--trace', TRACE_B]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      parseJsonLines(result.stdout).map((record) => record.body),
      ['GET /orders/8', 'GET /orders/8', 'slow inventory', 'slow inventory'],
    );
    const fake = join(workDir, 'plain.gz');
    writeFileSync(fake, text);
    const bad = await runCli(['view', fake]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /cannot read .*plain\.gz: incorrect header check/);
  });

  test('reads several files and stdin (-) into one timeline per trace', async () => {
    const lines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
    const first = join(workDir, 'first.json');
    writeFileSync(first, `${lines.slice(0, 2).join('\n')}\n`);
    const result = await runCli(['view', first, '-', '--json', '--trace', TRACE_A], {
      stdin: `${lines.slice(2).join('\r\n')}`,
    });
    assert.equal(result.status, 0, result.stderr);
    const services = parseJsonLines(result.stdout).map((record) => record.service);
    assert.deepEqual(services, ['gateway', 'orders', 'payments-py', 'payments-py', 'payments-py']);
  });
});

describe('logweave view: large output', () => {
  test('a slow reader: output waits for the pipe to drain, every line arrives, nothing leaks', async () => {
    // About 10 MB of text: far more than a pipe holds, so the CLI waits for it to drain many times.
    const file = join(workDir, 'large.jsonl');
    const lines: string[] = [];
    for (let line = 0; line < 40; line += 1) {
      const logRecords = Array.from({ length: 500 }, (_, index) => ({
        timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(line * 500 + index) * 1_000_000n),
        severityNumber: 9,
        body: { stringValue: `record ${line * 500 + index} ${'x'.repeat(400)}` },
        traceId: (line * 500 + index).toString(16).padStart(32, '0'),
      }));
      lines.push(
        JSON.stringify({ resourceLogs: [{ scopeLogs: [{ scope: { name: 'bulk' }, logRecords }] }] }),
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await runCli(['view', file], { readSlowly: true });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '', 'no warning, e.g. MaxListenersExceededWarning from drain waits');
    assert.ok(result.stdout.endsWith('\n20000 records in 19999 traces (1 without a trace), from 40 lines\n'));
    assert.equal(result.stdout.match(/ record \d+ x{400}$/gm)?.length, 20_000);
  });
});

describe('logweave view: integers as JSON numbers', () => {
  test('64-bit integers written as JSON numbers keep every digit, times included', async () => {
    const file = join(workDir, 'numbers.json');
    // Placeholders become bare number literals, as a producer would write them (a JS number would round).
    const record = {
      timeUnixNano: '@time',
      severityNumber: 9,
      body: { stringValue: 'numbers' },
      attributes: [
        { key: 'big', value: { intValue: '@big' } },
        { key: 'negative', value: { intValue: '@negative' } },
        { key: 'small', value: { intValue: 42 } },
        { key: 'double', value: { doubleValue: 1e300 } },
      ],
      traceId: TRACE_A,
    };
    const line = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] })
      .replace('"@time"', '1700000000123456789')
      .replace('"@big"', '9007199254740993')
      .replace('"@negative"', '-9223372036854775807');
    writeFileSync(file, `${line}\n`);
    const result = await runCli(['view', file, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const [parsed] = parseJsonLines(result.stdout);
    assert.equal(parsed?.timeUnixNano, '1700000000123456789');
    assert.deepEqual(parsed?.attributes, {
      big: '9007199254740993',
      negative: '-9223372036854775807',
      small: 42,
      double: 1e300,
    });
  });
});

describe('logweave view: bad input and bad command lines', () => {
  test('invalid lines are reported with FILE:LINE, the rest is still shown, and the status is 1', async () => {
    const file = join(workDir, 'torn.json');
    const good = readFileSync(FIXTURE, 'utf8').split('\n')[0] ?? '';
    writeFileSync(file, `${good}\nnot json\n\n{"hello":1}\n["array"]\n${good.slice(0, 40)}`);
    const result = await runCli(['view', file]);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /GET \/orders\/7/);
    assert.match(result.stderr, /torn\.json:2: not an OTLP JSON logs request \(Unexpected token/);
    assert.match(
      result.stderr,
      /torn\.json:4: not an OTLP JSON logs request \(expected a JSON object with "resourceLogs"\)/,
    );
    assert.match(result.stderr, /torn\.json:5: /);
    assert.match(
      result.stderr,
      /torn\.json:6: not an OTLP JSON logs request/,
      'a torn last line is reported',
    );
  });

  test('an unreadable record or part is skipped and named by its path; the rest of the line is kept', async () => {
    const file = join(workDir, 'partial.json');
    const record = (extra: Record<string, unknown>): Record<string, unknown> => ({
      timeUnixNano: '1700000000000000000',
      severityNumber: 9,
      body: { stringValue: 'good' },
      traceId: TRACE_A,
      ...extra,
    });
    const request = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeLogs: [
            {
              scope: { name: 'mod' },
              logRecords: [
                record({}),
                record({ traceId: 'not-a-trace-id' }),
                record({ timeUnixNano: 'yesterday' }),
                record({ severityNumber: 99 }),
                record({ spanId: 'AAAAAAAAAAE=', body: { stringValue: 'base64 span id' } }),
                'not a record',
              ],
            },
            { scope: { name: 'broken' }, logRecords: { not: 'an array' } },
          ],
        },
        42,
      ],
    };
    writeFileSync(file, `${JSON.stringify(request)}\n`);
    const result = await runCli(['view', file, '--json']);
    assert.equal(result.status, 1);
    assert.deepEqual(
      parseJsonLines(result.stdout).map((kept) => [kept.body, kept.spanId]),
      [
        ['good', ''],
        ['base64 span id', '0000000000000001'],
      ],
    );
    const path = 'resourceLogs[0].scopeLogs[0].logRecords';
    for (const expected of [
      `partial.json:1: ${path}[1]: traceId "not-a-trace-id" is neither 32 hex characters nor base64 of 16 bytes; record skipped`,
      `partial.json:1: ${path}[2]: timeUnixNano "yesterday" is not a count of nanoseconds; record skipped`,
      `partial.json:1: ${path}[3]: severityNumber 99 is not 0..24 or a SEVERITY_NUMBER_ name; record skipped`,
      `partial.json:1: ${path}[5] is not an object; skipped`,
      'partial.json:1: resourceLogs[0].scopeLogs[1].logRecords is not an array; skipped',
      'partial.json:1: resourceLogs[1] is not an object; skipped',
    ]) {
      assert.ok(result.stderr.includes(expected), `${expected}\nin\n${result.stderr}`);
    }
  });

  test('only the first ten invalid lines are listed, the rest counted', async () => {
    const file = join(workDir, 'many-bad.json');
    writeFileSync(file, 'x\n'.repeat(25));
    const result = await runCli(['view', file]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.match(/many-bad\.json:\d+:/g)?.length, 10);
    assert.match(result.stderr, /15 more problems not shown \(25 in all\)/);
  });

  test('a line longer than --max-line-bytes is skipped and reported without being held', async () => {
    const file = join(workDir, 'long.json');
    const good = readFileSync(FIXTURE, 'utf8').split('\n')[0] ?? '';
    writeFileSync(file, `${'y'.repeat(200_000)}\n${good}\n`);
    const result = await runCli(['view', file, '--max-line-bytes', '4096']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /long\.json:1: line of 200000 bytes is longer than the 4096-byte limit/);
    assert.match(result.stdout, /GET \/orders\/7/);
  });

  test('a missing file is named, other files are still read, and the status is 1', async () => {
    const result = await runCli(['view', join(workDir, 'missing.json'), FIXTURE]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cannot read .*missing\.json: ENOENT/);
    assert.match(result.stdout, /8 records in 2 traces/);
  });

  test('more matching records than --max-records stops with a hint, status 1', async () => {
    const result = await runCli(['view', FIXTURE, '--max-records', '3']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /more than 3 records match .*narrow the selection/);
  });

  for (const [args, message] of [
    [['view'], /no FILE given/],
    [['view', FIXTURE, '--trace', 'abc'], /--trace expects a trace id of 32 hex characters, received "abc"/],
    [
      ['view', FIXTURE, '--severity', 'loud'],
      /--severity expects one of trace, debug, info, warn, error, fatal/,
    ],
    [['view', FIXTURE, '--max-records', '0'], /--max-records expects a positive integer, received "0"/],
    [['view', FIXTURE, '--colour'], /Unknown option '--colour'/],
    [
      ['view', FIXTURE, '--module', 'gate*'],
      /--module expects a dotted module name whose segments are names or "\*"/,
    ],
    [['view', '-', '-'], /stdin \(-\) can be read only once/],
    [['view', FIXTURE, '--\u001b[31mred'], /Unknown option '--\\u001b\[31mred'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /Usage: logweave <command>/],
  ] as const) {
    test(`usage error for ${JSON.stringify(args)}: status 2 and what was wrong`, async () => {
      const result = await runCli(args);
      assert.equal(result.status, 2);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    });
  }

  for (const args of [
    ['--help'],
    ['view', '--help'],
    ['view', '-h'],
    ['check-config', '--help'],
    ['help'],
    ['help', 'view'],
    ['help', 'check-config'],
  ]) {
    test(`${args.join(' ')} prints help on stdout with status 0`, async () => {
      const result = await runCli(args);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /^Usage: logweave/);
      assert.equal(result.stderr, '');
    });
  }
});
