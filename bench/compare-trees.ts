/**
 * A/B for hot-path changes: runs logweave's facade cases from this checkout and from another
 * checkout of the repository (e.g. a worktree with a proposed change) interleaved in one process,
 * so machine noise hits both alike, and prints the ratio per case.
 *
 *   npx node --expose-gc bench/compare-trees.ts --other ../logweave-experiment [--rounds 15]
 *
 * The other tree must resolve the same node_modules (a symlink to this one's is enough).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runInterleaved } from './harness/interleaved.ts';
import { formatNanoseconds, formatSpread } from './harness/report.ts';
import type * as Logweave from '../src/index.ts';
import type * as CasesModule from './compare-cases.ts';

const { values } = parseArgs({
  options: { other: { type: 'string' }, rounds: { type: 'string', default: '15' } },
});
if (values.other === undefined) {
  console.error('usage: npx node --expose-gc bench/compare-trees.ts --other PATH_TO_OTHER_CHECKOUT');
  process.exit(2);
}

const trees = {
  this: new URL('../src/index.ts', import.meta.url).href,
  other: pathToFileURL(resolve(values.other, 'src/index.ts')).href,
};

const thisTree = (await import(trees.this)) as typeof Logweave;
const otherTree = (await import(trees.other)) as typeof Logweave;
const casesModule = new URL('./compare-cases.ts', import.meta.url).href;
const forThis = (await import(`${casesModule}?tree=this`)) as typeof CasesModule;
const forOther = (await import(`${casesModule}?tree=other`)) as typeof CasesModule;
const cases = [...forThis.casesFor('this', thisTree), ...forOther.casesFor('other', otherTree)];
const results = await runInterleaved(cases, {
  warmupRounds: 3,
  rounds: Number(values.rounds),
  opsPerSample: 1_000_000,
  opsFor: (name) => (name.includes('kept') ? 20_000 : 1_000_000),
});
const byName = new Map(results.map((r) => [r.name, r]));
console.log(`| case | this tree | other tree | other ÷ this |\n|---|---:|---:|---:|`);
for (const result of results.filter((r) => r.name.startsWith('this: '))) {
  const caseName = result.name.slice('this: '.length);
  const other = byName.get(`other: ${caseName}`)!;
  console.log(
    `| ${caseName} | ${formatNanoseconds(result.medianNs)} ${formatSpread(result.spreadPercent)} | ` +
      `${formatNanoseconds(other.medianNs)} ${formatSpread(other.spreadPercent)} | ${(other.medianNs / result.medianNs).toFixed(2)}× |`,
  );
}
process.exit(0);
