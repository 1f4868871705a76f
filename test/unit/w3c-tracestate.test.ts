/*
 * logweave's tracestate parser (src/context/tracestate.ts) against the one it replaces,
 * `@opentelemetry/core`'s TraceState: the same members on every input both accept, and the
 * inputs where they differ listed one by one with the section of the W3C Trace Context Level 2
 * specification that decides.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceState as OtelTraceState } from '@opentelemetry/core';
import fc from 'fast-check';
import { parseTracestate, TRACESTATE_LIMITS, W3cTraceState } from '../../src/context/tracestate.ts';
import { FUZZ_SEED } from '../fuzz/secret-corpus.ts';

function ours(header: string): string | undefined {
  const parsed = parseTracestate(header);
  return typeof parsed === 'string' ? undefined : parsed.serialize();
}

function otel(header: string): string {
  return new OtelTraceState(header).serialize();
}

const keyChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-*/');
const lcalpha = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
/** Keys both grammars accept: a simple key starting with a letter, or `tenant@vendor` in the older limits. */
const sharedKey = fc.oneof(
  fc.tuple(lcalpha, fc.string({ unit: keyChar, maxLength: 20 })).map(([first, rest]) => first + rest),
  fc
    .tuple(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      fc.string({ unit: keyChar, maxLength: 12 }),
      lcalpha,
      fc.string({ unit: keyChar, maxLength: 13 }),
    )
    .map(([first, tenant, vendorFirst, vendor]) => `${first}${tenant}@${vendorFirst}${vendor}`),
);
const valueChar = fc.constantFrom(
  ...Array.from({ length: 0x7e - 0x20 + 1 }, (_, index) => String.fromCharCode(0x20 + index)).filter(
    (character) => character !== ',' && character !== '=',
  ),
);
const value = fc
  .tuple(
    fc.string({ unit: valueChar, maxLength: 24 }),
    valueChar.filter((character) => character !== ' '),
  )
  .map(([body, last]) => body + last);
const ows = fc.constantFrom('', ' ', '\t', ' \t ');

/** Lists both accept whole: ≤ 32 members, distinct keys, within 512 characters, OWS around members. */
const sharedList = fc
  .uniqueArray(fc.tuple(sharedKey, value), { maxLength: 32, selector: ([key]) => key })
  .chain((members) =>
    fc.tuple(
      fc.constant(members),
      fc.array(fc.tuple(ows, ows), { minLength: members.length, maxLength: members.length }),
    ),
  )
  .filter(([members]) => members.map(([key, val]) => `${key}=${val}`).join(',').length <= 512)
  .map(([members, spaces]) => ({
    members,
    header: members
      .map(([key, val], index) => `${spaces[index]?.[0]}${key}=${val}${spaces[index]?.[1]}`)
      .join(','),
  }));

describe('differential: logweave and @opentelemetry/core TraceState agree where both accept', () => {
  test('the same members in the same order, the same values (20,000 seeded lists)', () => {
    fc.assert(
      fc.property(sharedList, ({ members, header }) => {
        const mine = parseTracestate(header);
        assert.ok(mine instanceof W3cTraceState, header);
        const theirs = new OtelTraceState(header);
        assert.equal(mine.serialize(), theirs.serialize());
        for (const [key, val] of members) {
          assert.equal(mine.get(key), val);
          assert.equal(theirs.get(key), val);
        }
      }),
      { numRuns: 20_000, seed: FUZZ_SEED },
    );
  });

  test('set and unset agree on lists both accept', () => {
    fc.assert(
      fc.property(sharedList, sharedKey, value, ({ header }, key, val) => {
        const mine = parseTracestate(header);
        assert.ok(mine instanceof W3cTraceState);
        const theirs = new OtelTraceState(header);
        const [mineSet, theirsSet] = [mine.set(key, val), theirs.set(key, val)];
        // OTel refuses a set that would exceed 32 members or 512 characters; logweave removes
        // from the end instead ("tracestate Header Field Values"). Compare where OTel accepts.
        if (theirsSet !== theirs) assert.equal(mineSet.serialize(), theirsSet.serialize());
        assert.equal(mine.unset(key).serialize(), theirs.unset(key).serialize());
      }),
      { numRuns: 5_000, seed: FUZZ_SEED },
    );
  });
});

describe('where they differ, and why (W3C Trace Context Level 2)', () => {
  test('"Key": "@" anywhere but first, any number of times, any length within 256 — OTel knows only tenant@vendor', () => {
    for (const key of ['foo@', 'foo@@bar', 'foo@bar@baz', `t@${'v'.repeat(15)}`, `${'t'.repeat(242)}@v`]) {
      assert.equal(ours(`${key}=1,bar=2`), `${key}=1,bar=2`, key);
      assert.equal(otel(`${key}=1,bar=2`), 'bar=2', `OTel drops ${key}`);
    }
  });

  test('"Key": a key may start with a digit — OTel allows that only before an "@"', () => {
    assert.equal(ours('1abc=x'), '1abc=x');
    assert.equal(otel('1abc=x'), '');
  });

  test('"Processing Model" step 3: an unparseable header is discarded whole — OTel drops only the bad member', () => {
    for (const [header, otelKeeps] of [
      ['@foo=1,bar=2', 'bar=2'],
      ['foo=,bar=3', 'bar=3'],
      ['foo=bar=baz,bar=3', 'bar=3'],
      ['FOO=1,bar=2', 'bar=2'],
      ['noequals,bar=2', 'bar=2'],
      [`${'z'.repeat(257)}=1,bar=2`, 'bar=2'],
      [`foo=${'v'.repeat(257)},bar=2`, 'bar=2'],
    ] as const) {
      assert.equal(ours(header), undefined, header);
      assert.equal(otel(header), otelKeeps, header);
    }
  });

  test('"list": more than 32 members do not match the grammar, the header is discarded — OTel keeps the first 32', () => {
    const members = Array.from({ length: 33 }, (_, index) => `k${index}=${index}`);
    assert.equal(ours(members.join(',')), undefined);
    assert.equal(otel(members.join(',')), members.slice(0, 32).join(','));
    assert.equal(ours(members.slice(0, 32).join(',')), members.slice(0, 32).join(','));
  });

  test('"tracestate Limits": over 512 characters, entries over 128 go first, then from the end — OTel skips what does not fit', () => {
    const big = `big=${'b'.repeat(200)}`;
    const small = Array.from({ length: 6 }, (_, index) => `s${index}=${'v'.repeat(57)}`);
    const header = [big, ...small].join(',');
    assert.ok(header.length > 512);
    assert.equal(ours(header), small.join(','), 'the large entry goes, every small one stays');
    assert.equal(
      otel(header),
      [big, ...small.slice(0, 5)].join(','),
      'OTel keeps the large one and drops a small one',
    );
    // No entry over 128 characters: 7 small ones (426), a 122-character one, a short last one: 556.
    const seven = [...small, `s6=${'v'.repeat(57)}`];
    const tail = [...seven, `m=${'v'.repeat(120)}`, 'last=1'].join(',');
    assert.ok(tail.length > 512);
    assert.equal(ours(tail), seven.join(','), 'removed from the end, whole entries');
    assert.equal(
      otel(tail),
      [...seven, 'last=1'].join(','),
      'OTel keeps a later member that fits: size-based',
    );
  });

  test('"Mutating the tracestate Field": of a duplicated key the first (left-most) entry is kept — OTel keeps the last value', () => {
    assert.equal(ours('foo=1,bar=2,foo=3'), 'foo=1,bar=2');
    assert.equal(otel('foo=1,bar=2,foo=3'), 'foo=3,bar=2');
  });

  test('"list": only spaces and tabs are optional whitespace — OTel trims any Unicode whitespace', () => {
    assert.equal(ours('foo=1\u000b'), undefined, 'a vertical tab is not a value character');
    assert.equal(otel('foo=1\u000b'), 'foo=1');
  });

  test('the same: leading spaces of a value are kept, empty members ignored, an empty header is empty', () => {
    for (const header of ['foo= bar', ',,foo=1, ,\t,', '', ' , '])
      assert.equal(ours(header), otel(header), header);
  });
});

describe('W3cTraceState mutations ("Mutating the tracestate Field")', () => {
  const state = parseTracestate('congo=1,rojo=2') as W3cTraceState;

  test('set moves a new or modified key to the front; invalid keys and values leave it unchanged', () => {
    assert.equal(state.set('rojo', '3').serialize(), 'rojo=3,congo=1');
    assert.equal(state.set('new@vendor', 'x').serialize(), 'new@vendor=x,congo=1,rojo=2');
    assert.equal(state.set('BAD', 'x'), state);
    assert.equal(state.set('ok', 'a,b'), state);
    assert.equal(state.set('ok', 'trailing '), state);
  });

  test('a 33rd member removes the right-most one', () => {
    const full = parseTracestate(
      Array.from({ length: 32 }, (_, index) => `k${index}=1`).join(','),
    ) as W3cTraceState;
    const added = full.set('new', '1');
    assert.equal(added.size, TRACESTATE_LIMITS.maxMembers);
    assert.equal(added.get('new'), '1');
    assert.equal(added.get('k31'), undefined);
    assert.equal(added.get('k30'), '1');
  });

  test('unset removes; get reads', () => {
    assert.equal(state.unset('congo').serialize(), 'rojo=2');
    assert.equal(state.unset('absent'), state);
    assert.equal(state.get('rojo'), '2');
    assert.equal(state.get('absent'), undefined);
  });
});

describe('linear time on hostile headers', () => {
  // 1 MiB each; a quadratic scan would need ~10^12 steps (minutes), a linear one milliseconds,
  // so a bound of 2 s is 100x away from either.
  const size = 1 << 20;
  const hostile: Array<[string, string]> = [
    ['empty members', ','.repeat(size)],
    ['whitespace', ' \t'.repeat(size / 2)],
    ['whitespace-only members', ' ,\t'.repeat(size / 3)],
    ['one member padded with spaces', `a=1${' '.repeat(size)}`],
    ['spaces before the end', `${' '.repeat(size)}x`],
    ['a long member without "="', 'a'.repeat(size)],
    ['"=" far away', `${'a'.repeat(size)}=1`],
    ['32 members then more', 'k=1,'.repeat(size / 4)],
  ];
  for (const [name, header] of hostile) {
    test(name, () => {
      const started = performance.now();
      parseTracestate(header);
      assert.ok(
        performance.now() - started < 2_000,
        `${name}: ${(performance.now() - started).toFixed(0)} ms`,
      );
    });
  }
});
