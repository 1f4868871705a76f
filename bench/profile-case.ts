/**
 * Runs one benchmark case over and over, so that a CPU profile shows that case alone:
 *
 *   npx node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/profile-case.ts \
 *     --scenario drops --case 'logweave facade: sampled-out INFO' [--seconds 10]
 *   npx node bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile
 *
 *   npx node bench/profile-case.ts --scenario http --case 'fastify + logweave 10 % INFO'
 *     (HTTP: starts that server with --cpu-prof, drives it with autocannon, prints the profile path)
 *
 * Without --case it lists the cases of the scenario.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchCase } from './harness/interleaved.ts';
import { generateLoad } from './http/load-generator.ts';
import { startServerProcess } from './http/server-handle.ts';
import { HTTP_VARIANTS, isHttpVariant } from './http/variants.ts';
import { cheapDropsCases } from './scenarios/cheap-drops.ts';
import { keptInfoCases } from './scenarios/kept-info.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'kept' },
    case: { type: 'string' },
    seconds: { type: 'string', default: '10' },
  },
});
const seconds = Number(values.seconds);

if (values.scenario === 'http') {
  if (values.case === undefined || !isHttpVariant(values.case)) {
    console.log(`cases of http:\n${HTTP_VARIANTS.map((v) => `  ${v}`).join('\n')}`);
    process.exit(values.case === undefined ? 0 : 2);
  }
  const profileDir = fileURLToPath(new URL('./results/profiles/', import.meta.url));
  mkdirSync(profileDir, { recursive: true });
  const before = new Set(readdirSync(profileDir));
  const server = await startServerProcess(values.case, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  if ('unavailable' in server) throw new Error(server.unavailable);
  const load = await generateLoad(server.url, seconds);
  await server.flush();
  await server.close();
  const written = readdirSync(profileDir).filter((name) => !before.has(name));
  console.log(`${values.case}: ${Math.round(load.requests.total / seconds)} req/s while profiled`);
  for (const name of written) console.log(`profile: ${profileDir}${name}`);
} else {
  let cases: BenchCase[];
  if (values.scenario === 'kept') cases = keptInfoCases().cases;
  else if (values.scenario === 'drops') cases = (await cheapDropsCases()).cases;
  else throw new Error(`--scenario is one of kept, drops, http (got ${values.scenario})`);
  const chosen = cases.find((c) => c.name === values.case);
  if (chosen === undefined) {
    console.log(`cases of ${values.scenario}:\n${cases.map((c) => `  ${c.name}`).join('\n')}`);
    process.exit(values.case === undefined ? 0 : 2);
  }
  const ops = values.scenario === 'drops' && !chosen.name.includes('kept') ? 1_000_000 : 20_000;
  const deadline = Date.now() + seconds * 1000;
  let samples = 0;
  let totalNs = 0;
  while (Date.now() < deadline) {
    chosen.before?.();
    const started = process.hrtime.bigint();
    await chosen.run(ops);
    totalNs += Number(process.hrtime.bigint() - started);
    const problem = chosen.verify?.(ops);
    if (problem !== undefined) console.error(`problem: ${problem}`);
    samples++;
  }
  console.log(
    `${chosen.name}: ${(totalNs / (samples * ops)).toFixed(1)} ns/op over ${samples} samples of ${ops}`,
  );
  process.exit(0);
}
