/**
 * The in-memory loss window on `kill -9`: a service logging 2,000 records/s (every 10th an
 * ERROR) to a healthy loopback receiver, with a spool, is SIGKILLed RUNS times (default 20)
 * after about RECORDS records each (default 1000, half a second); the next start replays what
 * the spool and the journal hold. With `delivery.durableSeverity` off and `error`, side by side.
 * Reports the records lost per kill (median, max), the ERRORs lost and the duplicates.
 *
 *   npx node bench/sigkill-window.ts
 *   RUNS=5 npx node bench/sigkill-window.ts
 */
import { loadavg } from 'node:os';
import { median } from './harness/statistics.ts';
import { sigkillRuns, type SigkillResult } from '../test/helpers/sigkill-runs.ts';

const RUNS = Number(process.env['RUNS'] ?? 20);
const RECORDS = Number(process.env['RECORDS'] ?? 1000);
const MODES = (process.env['MODES'] ?? 'off,error').split(',');

const load = loadavg().map((value) => value.toFixed(2));
const rows: Array<{ mode: string; result: SigkillResult; seconds: number }> = [];
for (const mode of MODES) {
  const started = performance.now();
  const result = await sigkillRuns({
    runs: RUNS,
    recordsPerRun: RECORDS,
    env: { LOGWEAVE_DURABLE_SEVERITY: mode },
  });
  rows.push({ mode, result, seconds: (performance.now() - started) / 1000 });
}
const lines = [
  `### kill -9 at 2,000 logs/s: ${RUNS} kills after ~${RECORDS} records each (load average ${load.join(' ')})`,
  '',
  '| durableSeverity | records emitted | lost | lost per kill: median / max | ERRORs emitted | ERRORs lost | duplicates | took |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    ({ mode, result, seconds }) =>
      `| ${mode} | ${result.emitted} | ${result.recordsLost} | ${median(result.lostPerRun)} / ` +
      `${Math.max(...result.lostPerRun)} | ${result.errors} | ${result.errorsLost} | ${result.duplicates} | ${seconds.toFixed(0)} s |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
