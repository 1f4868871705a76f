import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { createLogging } from '../../src/index.ts';
import { runCli } from '../helpers/run-cli-process.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/logweave.yaml', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'logweave-check-config-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(workDir, name);
  writeFileSync(path, text);
  return path;
}

interface RuleJson {
  severity: string;
  outcome: string;
  rule: string;
  probability: number;
}

async function rulesOf(file: string, module: string): Promise<RuleJson[]> {
  const result = await runCli(['check-config', file, '--module', module, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const output = JSON.parse(result.stdout) as { valid: boolean; modules: Record<string, RuleJson[]> };
  assert.equal(output.valid, true);
  return output.modules[module] ?? [];
}

const discard: LogRecordExporter = {
  export: (_records, done) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

describe('logweave check-config', () => {
  test('the example config: valid, with the effective rule of each module given', async () => {
    const result = await runCli([
      'check-config',
      EXAMPLE,
      '--module',
      'payments.processor',
      '--module',
      'gateway.checkout',
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /logweave\.yaml: valid\n {2}sections: level, sampling\n/);
    assert.match(result.stdout, /WARN allow-list: payments/);
    assert.match(result.stdout, /error buffer: on, 200 records and 262144 bytes per request/);
    assert.match(
      result.stdout,
      /module payments\.processor\n {2}TRACE {2}never created {10}rule level: debug\n {2}DEBUG {2}dropped\* {7}p=0 {5}rule default\.debug\n {2}INFO {3}sampled\* {7}p=0\.25 {2}rule payments\.info\n {2}WARN {3}kept {11}p=1 {5}rule warn_allowlist\n {2}ERROR {2}kept {11}p=1 {5}rule error\n/,
    );
    assert.match(
      result.stdout,
      /module gateway\.checkout\n(.*\n){2} {2}INFO {3}sampled\* {7}p=0\.1 {3}rule default\.info\n {2}WARN {3}dropped\* {7}p=0 {5}rule default\.warn/,
    );
    assert.match(
      result.stdout,
      /\* inside a request, held by the error buffer and kept if the request fails/,
    );
  });

  test('inheritance and wildcards resolve exactly as the sampling policy does', async () => {
    const file = write(
      'inherit.yaml',
      [
        'level: trace',
        'sampling:',
        '  default: { trace: 0, info: 0.5 }',
        '  warnAllowlist: ["auth.*"]',
        '  modules:',
        '    payments: { info: 1, debug: 0.2 }',
        '    payments.webhooks: { debug: 0.01, trace: 0.05 }',
        '    "*.webhooks": { info: 0.3 }',
      ].join('\n'),
    );
    const webhooks = await rulesOf(file, 'payments.webhooks.stripe');
    assert.deepEqual(
      webhooks.map((rule) => [rule.severity, rule.outcome, rule.rule, rule.probability]),
      [
        ['trace', 'probability', 'payments.webhooks.trace', 0.05],
        // The parent's exact key names debug; for info, the wildcard at that level beats the grandparent.
        ['debug', 'probability', 'payments.webhooks.debug', 0.01],
        ['info', 'probability', '*.webhooks.info', 0.3],
        ['warn', 'drop', 'default.warn', 0],
        ['error', 'keep', 'error', 1],
        ['fatal', 'keep', 'fatal', 1],
      ],
    );
    const payments = await rulesOf(file, 'payments.refunds');
    assert.deepEqual(payments.map((rule) => [rule.rule, rule.probability]).slice(0, 3), [
      ['default.trace', 0],
      ['payments.debug', 0.2],
      ['payments.info', 1],
    ]);
    const login = await rulesOf(file, 'auth.login.google');
    assert.equal(login[3]?.rule, 'warn_allowlist');
    const other = await rulesOf(file, 'inventory');
    assert.deepEqual(other[2], {
      severity: 'info',
      outcome: 'probability',
      rule: 'default.info',
      probability: 0.5,
    });
  });

  test('what it prints is what the pipeline counts: the rule names match logging.stats()', async () => {
    const file = write(
      'stats.yaml',
      [
        'sampling:',
        '  warnAllowlist: [billing]',
        '  modules:',
        '    billing: { info: 1 }',
        '    billing.audit: { info: 0 }',
      ].join('\n'),
    );
    const billing = await rulesOf(file, 'billing.invoices');
    const audit = await rulesOf(file, 'billing.audit');
    const logging = createLogging({ config: file, exporter: discard, handleSignals: false, env: {} });
    logging.getLogger('billing.invoices').info('kept by rule');
    logging.getLogger('billing.invoices').warn('kept by the allow-list');
    logging.getLogger('billing.audit').info('dropped by rule');
    await logging.shutdown();
    const { kept, dropped } = logging.stats();
    assert.equal(billing[2]?.outcome, 'keep');
    assert.equal(kept[billing[2]?.rule ?? '?'], 1);
    assert.equal(kept[billing[3]?.rule ?? '?'], 1);
    assert.equal(audit[2]?.outcome, 'drop');
    assert.equal(kept[audit[2]?.rule ?? '?'], undefined);
    assert.deepEqual(kept, { 'billing.info': 1, warn_allowlist: 1 });
    assert.equal(dropped.sampled_out, 1, 'the billing.audit record, dropped by its p = 0 rule');
  });

  test('without a sampling section every record at or above the level is kept', async () => {
    const file = write('plain.json', JSON.stringify({ serviceName: 'checkout', level: 'warn' }));
    const result = await runCli(['check-config', file, '--module', 'anything']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /sampling: not configured, every record at or above the level is kept/);
    assert.match(
      result.stdout,
      /INFO {3}never created {10}rule level: warn\n {2}WARN {3}kept {11}p=1 {5}rule default\n/,
    );
    const empty = await runCli(['check-config', write('empty.yaml', '')]);
    assert.equal(empty.status, 0);
    assert.match(empty.stdout, /sections: \(none: every default applies\)/);
  });

  for (const [name, text, path, expected] of [
    [
      'probability.yaml',
      'sampling:\n  modules:\n    payments: { info: 1.5 }\n',
      'sampling.modules.payments.info',
      'a value at most 1',
    ],
    [
      'unknown.yaml',
      'sampling:\n  defaults: { info: 0.1 }\n',
      'sampling',
      'no unknown keys (found "defaults")',
    ],
    ['type.yaml', 'level: loud\n', 'level', 'one of "trace", "debug", "info", "warn", "error", "fatal"'],
    [
      'pattern.yaml',
      'sampling:\n  warnAllowlist: ["pay ments"]\n',
      'sampling.warnAllowlist.0',
      'a dotted module name',
    ],
    ['syntax.yaml', 'sampling: [unclosed\n', '', 'valid YAML or JSON'],
    ['syntax.json', '{"level": "info",}', '', 'valid YAML or JSON'],
  ] as const) {
    test(`an invalid file (${name}) names the field path, the expectation and the value; status 1`, async () => {
      const file = write(name, text);
      const result = await runCli(['check-config', file, '--module', 'payments']);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
      assert.match(
        result.stderr,
        new RegExp(`${name.replace('.', '\\.')} is invalid\\n {2}at: {7}\\S*${name.replace('.', '\\.')}`),
      );
      if (path !== '') assert.ok(result.stderr.includes(`${name}.${path}\n`), result.stderr);
      assert.ok(result.stderr.includes(`expected: ${expected}`), result.stderr);
      assert.match(result.stderr, /received: /);
    });
  }

  test('--json on an invalid file prints the error as JSON', async () => {
    const file = write('json-error.yaml', 'batch: { maxQueueSize: 0 }\n');
    const result = await runCli(['check-config', file, '--json']);
    assert.equal(result.status, 1);
    const output = JSON.parse(result.stdout) as { valid: boolean; error: { path: string; received: string } };
    assert.equal(output.valid, false);
    assert.equal(output.error.path, `${file}.batch.maxQueueSize`);
    assert.equal(output.error.received, '0');
  });

  test('a missing file is named; status 1', async () => {
    const result = await runCli(['check-config', join(workDir, 'nope.yaml')]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /nope\.yaml is invalid\n {2}at: {7}config:.*nope\.yaml\n {2}expected: a readable YAML or JSON file\n {2}received: "ENOENT/,
    );
  });

  for (const [args, message] of [
    [['check-config'], /no FILE given/],
    [['check-config', 'a.yaml', 'b.yaml'], /one FILE at a time, received also b\.yaml/],
    [['check-config', EXAMPLE, '--module', ''], /--module expects a non-empty name/],
    [['check-config', EXAMPLE, '--modules', 'x'], /Unknown option '--modules'/],
  ] as const) {
    test(`usage error for ${JSON.stringify(args.slice(1))}: status 2`, async () => {
      const result = await runCli(args);
      assert.equal(result.status, 2);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Run 'logweave check-config --help' for usage\./);
    });
  }
});
