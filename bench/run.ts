/**
 * `npm run bench`: every scenario of issue 7, peers interleaved in one process run, printed as a
 * markdown report (also written to bench/results/latest.md).
 *
 *   npm run bench                       full run (about 7 minutes on 2 cores, 4½ of them bench/receiver-outage.ts)
 *   npm run bench -- --quick            every scenario briefly (a smoke test, not a measurement)
 *   npm run bench -- --only kept,drops  a subset: kept, drops, export, http, outage, pino
 *   npm run bench -- --out FILE         also write the report to FILE
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeEnvironment } from './harness/environment.ts';
import { renderGoals, renderScenario, type ScenarioReport } from './harness/report.ts';
import type { BenchSettings } from './harness/settings.ts';
import { cheapDropsScenario } from './scenarios/cheap-drops.ts';
import { exportThroughputScenario } from './scenarios/export-throughput.ts';
import { httpScenario } from './scenarios/http-throughput.ts';
import { keptInfoScenario } from './scenarios/kept-info.ts';
import { pinoBridgeScenario } from './scenarios/pino-bridge.ts';
import { receiverOutageScenario } from './scenarios/receiver-outage.ts';

const SCENARIOS: Record<string, (settings: BenchSettings) => Promise<ScenarioReport>> = {
  kept: keptInfoScenario,
  drops: cheapDropsScenario,
  export: exportThroughputScenario,
  http: httpScenario,
  outage: receiverOutageScenario,
  pino: pinoBridgeScenario,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    // Internal: run one scenario in this process and write its report as JSON to the file.
    'scenario-child': { type: 'string' },
    'report-file': { type: 'string' },
  },
});
const selected =
  values.only === undefined ? Object.keys(SCENARIOS) : values.only.split(',').map((s) => s.trim());
const unknown = selected.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  console.error(
    `unknown scenario(s) ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`,
  );
  process.exit(2);
}
if ((globalThis as { gc?: unknown }).gc === undefined) {
  console.error(
    "note: run with --expose-gc (npm run bench does) so one case's garbage is not billed to the next",
  );
}

const settings: BenchSettings = { quick: values.quick };

if (values['scenario-child'] !== undefined) {
  const report = await SCENARIOS[values['scenario-child']]!(settings);
  writeFileSync(values['report-file']!, JSON.stringify(report));
  process.exit(0);
}

/*
 * Each scenario runs in a fresh Node process (its contenders still share that one process, as
 * issue 7 asks): the load generator of the HTTP scenario was measurably slower and noisier in a
 * process that had just run the micro-benchmarks, and no scenario should inherit another's
 * heap, JIT state or require hooks (instrumentation-pino patches `require`).
 */
async function runScenarioProcess(name: string): Promise<ScenarioReport> {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-bench-'));
  const reportFile = join(dir, 'report.json');
  try {
    const args = [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--scenario-child',
      name,
      '--report-file',
      reportFile,
      ...(settings.quick ? ['--quick'] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the ${name} scenario exited with ${code}`);
    return JSON.parse(readFileSync(reportFile, 'utf8')) as ScenarioReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const environment = describeEnvironment();
const reports: ScenarioReport[] = [];
const startedAt = Date.now();
for (const name of selected) {
  const scenarioStart = Date.now();
  console.error(`[bench] ${name}${settings.quick ? ' (quick)' : ''}…`);
  reports.push(await runScenarioProcess(name));
  console.error(`[bench] ${name} done in ${((Date.now() - scenarioStart) / 1000).toFixed(1)} s`);
}
const totalSeconds = (Date.now() - startedAt) / 1000;

const markdown = [
  `## Results${settings.quick ? ' (QUICK smoke run: too short to quote)' : ''}`,
  '',
  environment,
  `- wall time of the run: ${totalSeconds.toFixed(0)} s`,
  '',
  '### Goals',
  '',
  renderGoals(reports),
  '',
  ...reports.map(renderScenario),
].join('\n');

console.log(markdown);
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(new URL(settings.quick ? 'latest-quick.md' : 'latest.md', resultsDir), `${markdown}\n`);
writeFileSync(
  new URL(settings.quick ? 'latest-quick.json' : 'latest.json', resultsDir),
  `${JSON.stringify({ environment, totalSeconds, reports }, null, 2)}\n`,
);
if (values.out !== undefined) writeFileSync(values.out, `${markdown}\n`);
