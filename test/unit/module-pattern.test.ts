import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareSpecificity,
  matchesModule,
  moduleLineage,
  MODULE_PATTERN_SYNTAX,
  parseModulePattern,
} from '../../src/sampling/module-pattern.ts';

const matches = (pattern: string, moduleName: string): boolean =>
  matchesModule(parseModulePattern(pattern), moduleName.split('.'));

describe('parseModulePattern', () => {
  test('segments, with * as undefined, and whether there is a wildcard', () => {
    assert.deepEqual(parseModulePattern('payments.webhooks'), {
      source: 'payments.webhooks',
      segments: ['payments', 'webhooks'],
      hasWildcard: false,
    });
    assert.deepEqual(parseModulePattern('auth.*'), {
      source: 'auth.*',
      segments: ['auth', undefined],
      hasWildcard: true,
    });
    assert.deepEqual(parseModulePattern('*'), { source: '*', segments: [undefined], hasWildcard: true });
  });

  test('only a whole segment is a wildcard: "pay*" is a literal segment', () => {
    assert.deepEqual(parseModulePattern('pay*').segments, ['pay*']);
    assert.equal(parseModulePattern('pay*').hasWildcard, false);
  });
});

describe('MODULE_PATTERN_SYNTAX: what the configuration accepts', () => {
  test('dotted names and whole-segment wildcards', () => {
    for (const good of [
      'payments',
      'payments.webhooks',
      'auth.*',
      '*.webhooks',
      '*',
      '*.*',
      'a-b_c.d9',
      'ünïcode.ok',
    ]) {
      assert.ok(MODULE_PATTERN_SYNTAX.test(good), good);
    }
  });

  test('empty segments, partial wildcards and whitespace are refused', () => {
    for (const bad of ['', '.', 'a.', '.a', 'a..b', 'pay*', '*x', 'a.b*', 'a b', 'a.\tb', ' a', '**']) {
      assert.equal(MODULE_PATTERN_SYNTAX.test(bad), false, JSON.stringify(bad));
    }
  });

  test('linear time on a long near-miss (segments cannot overlap: a dot ends each one)', () => {
    // A backtracking pattern would take exponential time here; this one fails in one pass.
    const nearMiss = `${'a.'.repeat(100_000)}a `;
    assert.equal(MODULE_PATTERN_SYNTAX.test(nearMiss), false);
    assert.equal(MODULE_PATTERN_SYNTAX.test('a.'.repeat(100_000) + 'a'), true);
  });
});

describe('matchesModule', () => {
  test('an exact pattern matches only that module', () => {
    assert.equal(matches('payments.webhooks', 'payments.webhooks'), true);
    assert.equal(matches('payments.webhooks', 'payments.refunds'), false);
    assert.equal(
      matches('payments', 'payments.webhooks'),
      false,
      'deeper modules reach it by inheritance only',
    );
    assert.equal(matches('payments.webhooks', 'payments'), false);
  });

  test('* matches exactly one segment, at any position', () => {
    assert.equal(matches('auth.*', 'auth.login'), true);
    assert.equal(matches('auth.*', 'auth'), false);
    assert.equal(matches('auth.*', 'auth.login.google'), false);
    assert.equal(matches('*.webhooks', 'payments.webhooks'), true);
    assert.equal(matches('*.webhooks', 'payments.refunds'), false);
    assert.equal(matches('a.*.c', 'a.b.c'), true);
    assert.equal(matches('*', 'anything'), true);
    assert.equal(matches('*', 'two.segments'), false);
  });

  test('case-sensitive, as OTel scope names are', () => {
    assert.equal(matches('Payments', 'payments'), false);
  });
});

describe('compareSpecificity', () => {
  const sorted = (patterns: string[]): string[] =>
    patterns
      .map(parseModulePattern)
      .sort(compareSpecificity)
      .map((pattern) => pattern.source);

  test('at the first segment where they differ, a literal beats *', () => {
    assert.deepEqual(sorted(['*.b.c', 'a.*.c', 'a.b.*', '*.*.*', 'a.b.c']), [
      'a.b.c',
      'a.b.*',
      'a.*.c',
      '*.b.c',
      '*.*.*',
    ]);
    assert.deepEqual(sorted(['*.webhooks', 'payments.*']), ['payments.*', '*.webhooks']);
  });

  test('the order is total among patterns that match one module: no ties, whatever the input order', () => {
    const forModule = ['x', 'y', 'z'];
    const all = ['x.y.z', '*.y.z', 'x.*.z', 'x.y.*', '*.*.z', '*.y.*', 'x.*.*', '*.*.*'];
    const expected = sorted(all);
    for (let rotation = 0; rotation < all.length; rotation++) {
      const input = [...all.slice(rotation), ...all.slice(0, rotation)].reverse();
      assert.deepEqual(sorted(input), expected);
    }
    const patterns = expected.map(parseModulePattern);
    assert.ok(patterns.every((pattern) => matchesModule(pattern, forModule)));
    for (let index = 1; index < patterns.length; index++) {
      assert.ok(compareSpecificity(patterns[index - 1]!, patterns[index]!) < 0, expected[index]);
    }
  });

  test('equal patterns compare equal; otherwise the source text breaks the tie', () => {
    assert.equal(compareSpecificity(parseModulePattern('a.*'), parseModulePattern('a.*')), 0);
    assert.ok(compareSpecificity(parseModulePattern('a.*'), parseModulePattern('b.*')) < 0);
    assert.ok(compareSpecificity(parseModulePattern('b.*'), parseModulePattern('a.*')) > 0);
  });
});

describe('moduleLineage', () => {
  test('the module itself, then each parent up to the first segment', () => {
    assert.deepEqual(moduleLineage('payments.webhooks.stripe'), [
      ['payments', 'webhooks', 'stripe'],
      ['payments', 'webhooks'],
      ['payments'],
    ]);
    assert.deepEqual(moduleLineage('payments'), [['payments']]);
  });

  test('an empty name is one empty segment (the root logger still has a lineage)', () => {
    assert.deepEqual(moduleLineage(''), [['']]);
  });
});
