import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, quantile, relativeSpread } from '../harness/statistics.ts';

test('median of odd and even samples, unsorted input left alone', () => {
  const values = [5, 1, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /empty/);
});

test('quantiles interpolate between neighbours', () => {
  assert.equal(quantile([0, 10], 0.25), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0), 1);
  assert.equal(quantile([1, 2, 3, 4, 5], 1), 5);
});

test('relative spread is the IQR over the median, in percent', () => {
  assert.equal(relativeSpread([10, 10, 10]), 0);
  assert.equal(relativeSpread([90, 95, 100, 105, 110]), 10);
});
