/**
 * Builds (or finds in the cache) everything the e2e suite needs and prints how long it took:
 *   npx node scripts/e2e/prepare.ts            # uses ${XDG_CACHE_HOME:-~/.cache}/logweave
 *   LOGWEAVE_E2E_CACHE=/tmp/fresh npx node scripts/e2e/prepare.ts   # a cold build
 */
import { ensureCollector } from './build-collector.ts';
import { ensurePythonVenv } from './python-venv.ts';

const collector = await ensureCollector({ echo: process.argv.includes('--verbose') });
console.log(
  `collector: ${collector.binary} (${collector.cached ? 'cached' : 'built'}) in ${(collector.millis / 1000).toFixed(1)} s`,
);
const venv = await ensurePythonVenv({ echo: process.argv.includes('--verbose') });
console.log(
  `python venv: ${venv.python} (${venv.cached ? 'cached' : 'created'}) in ${(venv.millis / 1000).toFixed(1)} s`,
);
