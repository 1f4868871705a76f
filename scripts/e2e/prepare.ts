/**
 * Builds (or finds in the cache) everything the e2e suite needs and prints how long it took.
 * `npm run test:e2e` runs it first; on its own:
 *   npx node scripts/e2e/prepare.ts [--verbose]                      # ${XDG_CACHE_HOME:-~/.cache}/logweave
 *   LOGWEAVE_E2E_CACHE=/tmp/fresh npx node scripts/e2e/prepare.ts     # a cold Collector build
 * Missing tools are reported together, before anything is built, and the exit code is 1.
 */
import { cachedCollector, ensureCollector } from './build-collector.ts';
import { ensurePythonVenv } from './python-venv.ts';
import { cachedThresholdOracle, ensureThresholdOracle } from './threshold-oracle.ts';
import { MissingToolError, requireGo, requirePython } from './require-tool.ts';

const verbose = process.argv.includes('--verbose');
const problems: string[] = [];
// Go builds both the Collector and the threshold oracle; with both cached it is not needed.
const goIsNeeded = (await cachedCollector()) === undefined || (await cachedThresholdOracle()) === undefined;
for (const check of [goIsNeeded ? requireGo : undefined, requirePython]) {
  if (check === undefined) continue;
  try {
    await check();
  } catch (error) {
    if (!(error instanceof MissingToolError)) throw error;
    problems.push(error.message);
  }
}
if (problems.length > 0) {
  console.error(`The e2e suite cannot run on this machine:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}

const collector = await ensureCollector({ echo: verbose });
console.log(
  `collector: ${collector.binary} (${collector.cached ? 'cached' : 'built'}) in ${(collector.millis / 1000).toFixed(1)} s`,
);
const oracle = await ensureThresholdOracle({ echo: verbose });
console.log(
  `threshold oracle: ${oracle.binary} (${oracle.cached ? 'cached' : 'built'}) in ${(oracle.millis / 1000).toFixed(1)} s`,
);
const venv = await ensurePythonVenv({ echo: verbose });
console.log(
  `python venv: ${venv.python} (${venv.cached ? 'cached' : 'created'}) in ${(venv.millis / 1000).toFixed(1)} s`,
);
