/**
 * Regenerates test/fixtures/collector-thresholds.json: the Collector's thresholds (its own
 * `pkg/sampling`, through scripts/e2e/threshold-oracle) for the probabilities of
 * `thresholdRequests()`, so `npm test` checks logweave's rounding without Go.
 *   npx node scripts/e2e/write-threshold-vectors.ts
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { askThresholdOracle, ensureThresholdOracle } from './threshold-oracle.ts';
import { thresholdRequests } from './threshold-probabilities.ts';
import { COLLECTOR_VERSION } from './versions.ts';

/** Fixed, so a regenerated file differs only where the Collector's answers do. */
export const VECTOR_SEED = 20261202;
export const VECTOR_RANDOM_COUNT = 1200;
const OUTPUT = fileURLToPath(new URL('../../test/fixtures/collector-thresholds.json', import.meta.url));

const oracle = await ensureThresholdOracle();
const answers = await askThresholdOracle(
  oracle.binary,
  thresholdRequests({ randomCount: VECTOR_RANDOM_COUNT, seed: VECTOR_SEED }),
);
const cell = (answer: string | { error: string }): string => (typeof answer === 'string' ? answer : 'error');
const header = {
  description:
    'Rejection thresholds (th encoding) of the OpenTelemetry Collector for [probability, precision]: ' +
    'ProbabilityToThresholdWithPrecision of pkg/sampling, and the same for the probability given to ' +
    "the probabilistic sampler as sampling_percentage (a float32 / 100). 'error': the Collector refuses it.",
  generatedBy: 'npx node scripts/e2e/write-threshold-vectors.ts (builds scripts/e2e/threshold-oracle)',
  oracle: `github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling v${COLLECTOR_VERSION}`,
  inputs: `thresholdRequests({ randomCount: ${VECTOR_RANDOM_COUNT}, seed: ${VECTOR_SEED} }) in scripts/e2e/threshold-probabilities.ts`,
  columns: ['probability', 'precision', 'tvalue', 'tvalue via sampling_percentage'],
};
const vectors = answers.map((answer) => [
  String(answer.probability),
  answer.precision,
  cell(answer.tvalue),
  cell(answer.viaPercentage),
]);
// Formatted as the repository's prettier would (`npm run lint` checks it).
const text = await format(JSON.stringify({ ...header, vectors }), {
  ...(await resolveConfig(OUTPUT)),
  filepath: OUTPUT,
});
await writeFile(OUTPUT, text);
console.log(`${answers.length} vectors written to ${OUTPUT} (oracle ${oracle.cached ? 'cached' : 'built'})`);
