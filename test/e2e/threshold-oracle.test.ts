/**
 * logweave's thresholds against the Collector's own function, for thousands of probabilities:
 * scripts/e2e/threshold-oracle is a Go program over the Collector's `pkg/sampling` at the
 * release the e2e Collector is built from. The unit tier checks the same way against the
 * vectors in test/fixtures/collector-thresholds.json; this asks about many more, and checks
 * that the committed vectors are still what the oracle says.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { askThresholdOracle, ensureThresholdOracle } from '../../scripts/e2e/threshold-oracle.ts';
import { thresholdRequests } from '../../scripts/e2e/threshold-probabilities.ts';
import { probabilityToThreshold } from '../../src/sampling/consistent-threshold.ts';

const RANDOM_COUNT = 20_000;
const SEED = 0x10c3a7e;

function logweaveTValue(probability: number, precision: number): string | { error: string } {
  try {
    return probabilityToThreshold(probability, precision).tvalue;
  } catch (error) {
    if (error instanceof RangeError) return { error: error.message };
    throw error;
  }
}

test(`probabilityToThreshold equals the Collector's ProbabilityToThresholdWithPrecision (${RANDOM_COUNT} seeded + edge probabilities)`, async () => {
  const oracle = await ensureThresholdOracle();
  const answers = await askThresholdOracle(
    oracle.binary,
    thresholdRequests({ randomCount: RANDOM_COUNT, seed: SEED }),
  );
  let refused = 0;
  const mismatches: unknown[] = [];
  for (const answer of answers) {
    const ours = logweaveTValue(answer.probability, answer.precision);
    if (typeof answer.tvalue !== 'string') {
      refused++;
      if (typeof ours === 'string') mismatches.push({ ...answer, logweave: ours });
    } else if (ours !== answer.tvalue) {
      mismatches.push({ ...answer, logweave: ours });
    }
  }
  console.log(
    `[e2e figures] thresholds: ${answers.length} probabilities, ${refused} refused by both, ${mismatches.length} mismatches`,
  );
  assert.deepEqual(mismatches.slice(0, 20), []);
  assert.ok(answers.length > RANDOM_COUNT);
});

test('the committed vectors are what the oracle answers now', async () => {
  const file = JSON.parse(
    await readFile(new URL('../fixtures/collector-thresholds.json', import.meta.url), 'utf8'),
  ) as { vectors: Array<[string, number, string, string]> };
  const oracle = await ensureThresholdOracle();
  const answers = await askThresholdOracle(
    oracle.binary,
    file.vectors.map(([probability, precision]) => ({ probability: Number(probability), precision })),
  );
  const cell = (value: string | { error: string }): string => (typeof value === 'string' ? value : 'error');
  const stale = answers.filter(
    (answer, index) =>
      cell(answer.tvalue) !== file.vectors[index]![2] ||
      cell(answer.viaPercentage) !== file.vectors[index]![3],
  );
  assert.deepEqual(stale, [], 'regenerate with npx node scripts/e2e/write-threshold-vectors.ts');
});
