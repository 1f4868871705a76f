import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { keeps, probabilityToThreshold } from '../../src/sampling/consistent-threshold.ts';

/**
 * logweave's thresholds against the Collector's. The vectors were produced by the Collector's own
 * `pkg/sampling` (see the file's header; `npm run test:e2e` asks it again about more
 * probabilities), so this tier needs no Go.
 */
interface VectorFile {
  oracle: string;
  vectors: Array<[probability: string, precision: number, tvalue: string, viaPercentage: string]>;
}
const file = JSON.parse(
  readFileSync(new URL('../fixtures/collector-thresholds.json', import.meta.url), 'utf8'),
) as VectorFile;

function logweaveTValue(probability: number, precision: number): string {
  try {
    return probabilityToThreshold(probability, precision).tvalue;
  } catch (error) {
    if (error instanceof RangeError) return 'error';
    throw error;
  }
}

describe('thresholds', () => {
  test(`every Collector vector (${file.vectors.length}, ${file.oracle}) gives the same tvalue`, () => {
    assert.ok(file.vectors.length >= 1900, 'the vector file is complete');
    const mismatches = file.vectors
      .map(([probability, precision, tvalue]) => ({
        probability,
        precision,
        collector: tvalue,
        logweave: logweaveTValue(Number(probability), precision),
      }))
      .filter((row) => row.collector !== row.logweave);
    assert.equal(mismatches.length, 0, `mismatches: ${JSON.stringify(mismatches.slice(0, 12))}`);
  });

  test("the specification's 1-in-N table: threshold, actual probability and adjusted count", () => {
    // TraceState: Probability Sampling, "Converting floating-point probability to threshold
    // value": [N, threshold at precision 3, 4, 5].
    const table: Array<[number, string, string, string]> = [
      [1, '0', '0', '0'],
      [2, '8', '8', '8'],
      [3, 'aab', 'aaab', 'aaaab'],
      [4, 'c', 'c', 'c'],
      [5, 'ccd', 'cccd', 'ccccd'],
      [8, 'e', 'e', 'e'],
      [10, 'e66', 'e666', 'e6666'],
      [16, 'f', 'f', 'f'],
      [100, 'fd71', 'fd70a', 'fd70a4'],
      [1000, 'ffbe7', 'ffbe77', 'ffbe76d'],
      [10_000, 'fff972', 'fff9724', 'fff97247'],
      [100_000, 'ffff584', 'ffff583a', 'ffff583a5'],
      [1_000_000, 'ffffef4', 'ffffef39', 'ffffef391'],
    ];
    for (const [n, ...thresholds] of table) {
      thresholds.forEach((expected, index) => {
        const threshold = probabilityToThreshold(1 / n, 3 + index);
        assert.equal(threshold.tvalue, expected, `1/${n} at precision ${3 + index}`);
        // Probability and adjusted count follow from the threshold exactly (the spec's last two algorithms).
        const t = BigInt(`0x${expected.padEnd(14, '0')}`);
        assert.equal(threshold.probability, Number((1n << 56n) - t) / 2 ** 56);
        assert.equal(threshold.adjustedCount, 2 ** 56 / Number((1n << 56n) - t));
      });
    }
    // Rows of the table quoted with their figures.
    assert.equal(probabilityToThreshold(0.1).probability, 0.100006103515625);
    assert.equal(probabilityToThreshold(0.1).adjustedCount, 9.99938968568813);
    assert.equal(probabilityToThreshold(0.01, 5).adjustedCount, 100.00009536752259);
  });

  test('near 1 the precision grows with the leading zeros, as the Collector does (0.99 → 028f6)', () => {
    assert.equal(probabilityToThreshold(0.99).tvalue, '028f6');
    assert.equal(probabilityToThreshold(0.999).tvalue, '004189');
    assert.equal(probabilityToThreshold(1 - 2 ** -53).tvalue, '00000000000008');
    assert.equal(probabilityToThreshold(2 ** -56).tvalue, 'ffffffffffffff');
  });

  test('R >= T: the threshold halves and the randomness halves compare as 56-bit integers', () => {
    const threshold = probabilityToThreshold(0.1); // e666 << 40
    const t = 0xe666n << 40n;
    for (const r of [t - 1n, t, t + 1n, 0n, (1n << 56n) - 1n]) {
      assert.equal(keeps(threshold, Number(r >> 28n), Number(r & 0xfffffffn)), r >= t, `R = ${r}`);
    }
  });

  test('a probability or precision out of range is refused', () => {
    for (const probability of [0, -0.5, 1.5, Number.NaN, 2 ** -57]) {
      assert.throws(() => probabilityToThreshold(probability), RangeError);
    }
    for (const precision of [0, 15, 2.5])
      assert.throws(() => probabilityToThreshold(0.5, precision), RangeError);
  });
});
