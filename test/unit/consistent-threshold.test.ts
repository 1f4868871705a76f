import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  hex28,
  keeps,
  probabilityToThreshold,
  randomnessHex,
  THRESHOLD_PRECISION,
} from '../../src/sampling/consistent-threshold.ts';

/**
 * The examples table of the OTel specification (TraceState: Probability Sampling, "Converting
 * floating-point probability to threshold value"): 1-in-N, the input probability, and for
 * precision 3, 4 and 5 the `th` value, the probability it really keeps and its adjusted count.
 */
const SPEC_TABLE: ReadonlyArray<{
  oneIn: number;
  probability: number;
  th: readonly [string, string, string];
  actual: readonly [number, number, number];
  adjustedCount: readonly [number, number, number];
}> = [
  // 0.0010004043579101562 in the spec is written out in full below (the short form trips no-loss-of-precision).
  { oneIn: 1, probability: 1, th: ['0', '0', '0'], actual: [1, 1, 1], adjustedCount: [1, 1, 1] },
  { oneIn: 2, probability: 0.5, th: ['8', '8', '8'], actual: [0.5, 0.5, 0.5], adjustedCount: [2, 2, 2] },
  {
    oneIn: 3,
    probability: 0.3333333333333333,
    th: ['aab', 'aaab', 'aaaab'],
    actual: [0.333251953125, 0.3333282470703125, 0.33333301544189453],
    adjustedCount: [3.0007326007326007, 3.00004577706569, 3.0000028610256777],
  },
  { oneIn: 4, probability: 0.25, th: ['c', 'c', 'c'], actual: [0.25, 0.25, 0.25], adjustedCount: [4, 4, 4] },
  {
    oneIn: 5,
    probability: 0.2,
    th: ['ccd', 'cccd', 'ccccd'],
    actual: [0.199951171875, 0.1999969482421875, 0.19999980926513672],
    adjustedCount: [5.001221001221001, 5.0000762951094835, 5.0000047683761295],
  },
  {
    oneIn: 8,
    probability: 0.125,
    th: ['e', 'e', 'e'],
    actual: [0.125, 0.125, 0.125],
    adjustedCount: [8, 8, 8],
  },
  {
    oneIn: 10,
    probability: 0.1,
    th: ['e66', 'e666', 'e6666'],
    actual: [0.10009765625, 0.100006103515625, 0.10000038146972656],
    adjustedCount: [9.990243902439024, 9.99938968568813, 9.999961853172863],
  },
  {
    oneIn: 16,
    probability: 0.0625,
    th: ['f', 'f', 'f'],
    actual: [0.0625, 0.0625, 0.0625],
    adjustedCount: [16, 16, 16],
  },
  {
    oneIn: 100,
    probability: 0.01,
    th: ['fd71', 'fd70a', 'fd70a4'],
    actual: [0.0099945068359375, 0.010000228881835938, 0.009999990463256836],
    adjustedCount: [100.05496183206107, 99.99771123402633, 100.00009536752259],
  },
  {
    oneIn: 1000,
    probability: 0.001,
    th: ['ffbe7', 'ffbe77', 'ffbe76d'],
    actual: [0.00100040435791015625, 0.0009999871253967285, 0.000999998301267624],
    adjustedCount: [999.5958055290753, 1000.012874769029, 1000.0016987352618],
  },
  {
    oneIn: 10_000,
    probability: 0.0001,
    th: ['fff972', 'fff9724', 'fff97247'],
    actual: [0.00010001659393310547, 0.00010000169277191162, 0.00010000006295740604],
    adjustedCount: [9998.340882002383, 9999.830725674266, 9999.99370426336],
  },
  {
    oneIn: 100_000,
    probability: 0.00001,
    th: ['ffff584', 'ffff583a', 'ffff583a5'],
    actual: [9.998679161071777e-6, 1.00000761449337e-5, 1.0000003385357559e-5],
    adjustedCount: [100013.21013412817, 99999.238556461, 99999.96614643588],
  },
  {
    oneIn: 1_000_000,
    probability: 0.000001,
    th: ['ffffef4', 'ffffef39', 'ffffef391'],
    actual: [9.98377799987793e-7, 1.00000761449337e-6, 9.999930625781417e-7],
    adjustedCount: [1.0016248358208955e6, 999992.38556461, 1.0000069374699865e6],
  },
];

const PRECISIONS = [3, 4, 5] as const;

/** The 56-bit threshold of a `th` value, as the spec defines it (trailing zeros restored). */
const thresholdOf = (th: string): bigint => BigInt(`0x${th.padEnd(14, '0')}`);
/** A 56-bit integer as the two 28-bit halves `keeps` takes. */
const halves = (value: bigint): [number, number] => [Number(value >> 28n), Number(value & 0xfffffffn)];

/** The spec's numbers are printed with up to 17 significant digits; equal within a few ulps. */
function assertClose(actual: number, expected: number, message: string): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * 1e-14, `${message}: ${actual} ≠ ${expected}`);
}

describe('probabilityToThreshold against the OTel specification examples table', () => {
  for (const row of SPEC_TABLE) {
    for (const [column, precision] of PRECISIONS.entries()) {
      test(`1-in-${row.oneIn} at precision ${precision} → th:${row.th[column]}`, () => {
        const threshold = probabilityToThreshold(row.probability, precision);
        assert.equal(threshold.tvalue, row.th[column]);
        const [hi, lo] = halves(thresholdOf(row.th[column] as string));
        assert.deepEqual([threshold.hi, threshold.lo], [hi, lo], 'the 56-bit threshold in two halves');
        assertClose(threshold.probability, row.actual[column] as number, 'actual probability');
        assertClose(threshold.adjustedCount, row.adjustedCount[column] as number, 'adjusted count');
      });
    }
  }

  test('the default precision is the spec recommendation for SDKs: 4 digits', () => {
    assert.equal(THRESHOLD_PRECISION, 4);
    for (const row of SPEC_TABLE) assert.equal(probabilityToThreshold(row.probability).tvalue, row.th[1]);
  });

  test('the spec’s prose example: 1 % at 5 digits is 0xfd70a400000000, th:fd70a4 without trailing zeros', () => {
    // "5 digits of precision" is the configured precision; the leading f adds one digit (fd70a4).
    const threshold = probabilityToThreshold(0.01, 5);
    assert.equal(thresholdOf(threshold.tvalue), 0xfd70a400000000n);
  });

  test('probabilities outside [2^-56, 1] are a RangeError that names the value', () => {
    for (const bad of [0, -0.5, 1.0000001, 2 ** -57, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => probabilityToThreshold(bad), RangeError, String(bad));
    }
    assert.throws(() => probabilityToThreshold(0), /within \[2\^-56, 1\], got 0/);
    assert.doesNotThrow(() => probabilityToThreshold(2 ** -56));
  });

  test('at the smallest probability the threshold keeps exactly the largest randomness values', () => {
    const threshold = probabilityToThreshold(2 ** -56);
    const max = (1n << 56n) - 1n;
    assert.ok(thresholdOf(threshold.tvalue) <= max, 'a threshold every value can still reach');
    assert.equal(keeps(threshold, ...halves(max)), true, 'the largest randomness is kept');
    assert.equal(keeps(threshold, 0, 0), false);
  });

  test('a smaller probability never gives a smaller threshold (p/2 keeps a subset of p)', () => {
    const probabilities: number[] = [];
    for (let probability = 1; probability >= 2 ** -56; probability *= 0.97) probabilities.push(probability);
    for (let exponent = 0; exponent <= 56; exponent++) probabilities.push(2 ** -exponent);
    probabilities.sort((a, b) => b - a);
    let previous = -1n;
    for (const probability of probabilities) {
      const threshold = thresholdOf(probabilityToThreshold(probability).tvalue);
      assert.ok(threshold >= previous, `p = ${probability}`);
      previous = threshold;
    }
  });
});

describe('keeps: the spec’s decision rule, keep when R >= T', () => {
  // Randomness just below, at and above each table threshold; compared with BigInt, independently of `keeps`.
  for (const row of SPEC_TABLE) {
    const th = row.th[1];
    test(`th:${th}: R = T − 1 is dropped, R = T and R = T + 1 are kept`, () => {
      const threshold = probabilityToThreshold(row.probability);
      const t = thresholdOf(th);
      for (const randomness of [t - 1n, t, t + 1n, 0n, (1n << 56n) - 1n]) {
        if (randomness < 0n || randomness >= 1n << 56n) continue;
        assert.equal(
          keeps(threshold, ...halves(randomness)),
          randomness >= t,
          `R = ${randomness.toString(16)}`,
        );
      }
    });
  }

  test('the comparison carries across the 28-bit halves', () => {
    // T = 0x8000000_0000000: the high half decides until it ties, then the low half does.
    const half = probabilityToThreshold(0.5);
    assert.deepEqual([half.hi, half.lo], [0x8000000, 0]);
    assert.equal(keeps(half, 0x7ffffff, 0xfffffff), false);
    assert.equal(keeps(half, 0x8000000, 0), true);
    // A threshold with a non-zero low half (1-in-3 at precision 13 is aaaa…ab in both halves).
    const third = probabilityToThreshold(1 / 3, 12);
    const t = thresholdOf(third.tvalue);
    assert.ok((t & 0xfffffffn) !== 0n, 'the low half matters');
    assert.equal(keeps(third, ...halves(t)), true);
    assert.equal(keeps(third, ...halves(t - 1n)), false);
    assert.equal(
      keeps(third, Number(t >> 28n) + 1, 0),
      true,
      'a larger high half wins whatever the low half',
    );
  });

  test('th:0 (p = 1) keeps every randomness, including 0', () => {
    const all = probabilityToThreshold(1);
    assert.equal(keeps(all, 0, 0), true);
  });
});

describe('hex28 and randomnessHex', () => {
  test('seven hex digits of either case at an offset; anything else is -1', () => {
    assert.equal(hex28('0000000', 0), 0);
    assert.equal(hex28('fffffff', 0), 0xfffffff);
    assert.equal(hex28('xxABCDEF0', 2), 0xabcdef0);
    assert.equal(hex28('abcdef0', 0), 0xabcdef0);
    assert.equal(hex28('abcdeg0', 0), -1, 'g');
    assert.equal(hex28('abc', 0), -1, 'too short: NaN char codes are not digits');
    assert.equal(hex28('abcd ef0', 0), -1, 'a space');
    assert.equal(hex28('\u0660123456', 0), -1, 'a non-ASCII digit');
  });

  test('randomnessHex is the 14-digit rv form, zero-padded, and hex28 reads it back', () => {
    assert.equal(randomnessHex(0, 0), '00000000000000');
    assert.equal(randomnessHex(0xfffffff, 0xfffffff), 'ffffffffffffff');
    assert.equal(randomnessHex(0x1, 0x2), '00000010000002');
    for (const [hi, lo] of [
      [0x1234567, 0x89abcde],
      [0, 0xfffffff],
      [0xfffffff, 0],
    ] as const) {
      const text = randomnessHex(hi, lo);
      assert.deepEqual([hex28(text, 0), hex28(text, 7)], [hi, lo]);
    }
  });
});
