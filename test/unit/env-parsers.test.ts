import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseEnvValue } from '../../src/config/env-parsers.ts';
import type { EnvEntry, EnvValueKind } from '../../src/config/env-table.ts';
import { LogweaveConfigError } from '../../src/core/config-error.ts';

const entry = (kind: EnvValueKind, extra: Partial<EnvEntry> = {}): EnvEntry => ({
  name: 'TEST_VARIABLE',
  path: 'test',
  kind,
  ...extra,
});
const parse = (kind: EnvValueKind, value: string | undefined, extra?: Partial<EnvEntry>): unknown =>
  parseEnvValue(entry(kind, extra), { TEST_VARIABLE: value });

/** Asserts a LogweaveConfigError at env:TEST_VARIABLE; returns it for further checks. */
function rejects(
  kind: EnvValueKind,
  value: string,
  expected: RegExp,
  extra?: Partial<EnvEntry>,
): LogweaveConfigError {
  let caught: unknown;
  try {
    parse(kind, value, extra);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof LogweaveConfigError, `${kind} ${JSON.stringify(value)} was accepted`);
  assert.equal(caught.path, 'env:TEST_VARIABLE');
  assert.match(caught.expected, expected);
  return caught;
}

describe('parseEnvValue: unset and blank', () => {
  test('unset, empty or whitespace-only is unset, as the OTel spec says (every kind but raw)', () => {
    const kinds: EnvValueKind[] = ['string', 'name', 'integer', 'boolean', 'keyValueList', 'url', 'baseUrl'];
    for (const kind of kinds) {
      assert.equal(parse(kind, undefined), undefined, kind);
      assert.equal(parse(kind, ''), undefined, kind);
      assert.equal(parse(kind, ' \t '), undefined, kind);
    }
  });

  test('raw keeps the value untouched, whitespace included; only empty is unset', () => {
    assert.equal(parse('raw', undefined), undefined);
    assert.equal(parse('raw', ''), undefined);
    assert.equal(parse('raw', '  a key with spaces  '), '  a key with spaces  ');
  });
});

describe('parseEnvValue: each kind', () => {
  test('string: trimmed', () => {
    assert.equal(parse('string', '  checkout  '), 'checkout');
  });

  test('name: trimmed and lower-cased', () => {
    assert.equal(parse('name', ' DEBUG '), 'debug');
  });

  test('integer: decimal digits only, within the safe integers', () => {
    assert.equal(parse('integer', '42'), 42);
    assert.equal(parse('integer', ' 0 '), 0);
    assert.equal(parse('integer', '9007199254740991'), Number.MAX_SAFE_INTEGER);
    for (const bad of ['-1', '1.5', '1e3', '0x10', '+3', '3 4', 'ten', '9007199254740992']) {
      const error = rejects('integer', bad, /an integer \(decimal digits\)/);
      assert.equal(error.received, JSON.stringify(bad.trim()));
    }
  });

  test('boolean: true/false/1/0 in any case', () => {
    for (const yes of ['true', 'TRUE', 'True', '1']) assert.equal(parse('boolean', yes), true, yes);
    for (const no of ['false', 'FALSE', '0']) assert.equal(parse('boolean', no), false, no);
    for (const bad of ['yes', 'no', 'on', '2', 't']) rejects('boolean', bad, /"true" or "false"/);
  });

  test('keyValueList: pairs split on the first "=", trimmed, percent-decoded, empty entries skipped', () => {
    assert.deepEqual(parse('keyValueList', 'a=1, b = two ,,c=x%20y%2Cz,d=e=f,'), {
      a: '1',
      b: 'two',
      c: 'x y,z',
      d: 'e=f',
    });
    assert.deepEqual(parse('keyValueList', 'empty='), { empty: '' });
  });

  test('keyValueList: a later duplicate key wins', () => {
    assert.deepEqual(parse('keyValueList', 'a=1,a=2'), { a: '2' });
  });

  test('keyValueList: "__proto__" is an ordinary key, and nothing is polluted', () => {
    const parsed = parse('keyValueList', '__proto__=x,constructor=y') as Record<string, string>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ['__proto__', 'constructor']);
    assert.equal(parsed['__proto__'], 'x');
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
  });

  test('keyValueList: an entry without a key, or with broken percent-encoding, is refused', () => {
    assert.equal(rejects('keyValueList', 'a=1,novalue', /key=value pairs/).received, '"novalue"');
    rejects('keyValueList', '=v', /key=value pairs/);
    assert.equal(rejects('keyValueList', 'k=%E0%A4%A', /percent-encoded values/).received, '"k=%E0%A4%A"');
  });

  test('keyValueList: linear in its length (a scan, not a pattern)', () => {
    const many = Array.from({ length: 50_000 }, (_, index) => `k${index}=v${index}`).join(',');
    const parsed = parse('keyValueList', many) as Record<string, string>;
    assert.equal(Object.keys(parsed).length, 50_000);
  });

  test('url: an absolute http(s) URL, kept verbatim', () => {
    assert.equal(parse('url', 'https://collector:4318/v1/logs?x=1'), 'https://collector:4318/v1/logs?x=1');
    for (const bad of ['collector:4318', 'ftp://collector', '/v1/logs', 'http//missing-colon']) {
      rejects('url', bad, /an absolute http\(s\) URL/);
    }
  });

  test('baseUrl: the OTLP/HTTP signal path is appended, after any trailing slashes', () => {
    assert.equal(parse('baseUrl', 'http://collector:4318'), 'http://collector:4318/v1/logs');
    assert.equal(parse('baseUrl', 'http://collector:4318///'), 'http://collector:4318/v1/logs');
    assert.equal(parse('baseUrl', 'http://gateway/otlp/'), 'http://gateway/otlp/v1/logs');
    rejects('baseUrl', 'grpc://collector:4317', /an absolute http\(s\) URL/);
  });
});

describe('parseEnvValue: secrets never appear in errors', () => {
  test('a secret key-value list shows the key of the bad entry, never a value', () => {
    const error = rejects(
      'keyValueList',
      'authorization=Bearer%20s3cr3t,api-key=%ZZtoken',
      /percent-encoded/,
      {
        secret: true,
      },
    );
    assert.equal(error.received, '"api-key=(hidden)"');
    assert.doesNotMatch(error.message, /s3cr3t|token|Bearer/);
  });

  test('a secret entry without "=" is hidden whole (it may be a pasted token)', () => {
    const error = rejects('keyValueList', 'a=1,sk_live_123', /key=value pairs/, { secret: true });
    assert.equal(error.received, '"=(hidden)"');
    assert.doesNotMatch(error.message, /sk_live_123/);
  });

  test('any other secret variable is shown as (hidden)', () => {
    for (const [kind, value] of [
      ['integer', 'not-a-number-secret'],
      ['boolean', 'secret-flag'],
    ] as const) {
      const error = rejects(kind, value, /./, { secret: true });
      assert.equal(error.received, '"(hidden)"');
      assert.doesNotMatch(error.message, /secret/);
    }
  });
});
