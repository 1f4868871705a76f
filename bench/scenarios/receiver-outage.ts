import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScenarioReport } from '../harness/report.ts';
import type { BenchSettings } from '../harness/settings.ts';

/** Written and owned by the delivery work; this runner only starts it and quotes its table. */
const OUTAGE_SCRIPT = fileURLToPath(new URL('../receiver-outage.ts', import.meta.url));

const TITLE = 'Receiver down: 60 s at 2,000 logs/s (issue 7)';
const GOAL = 'receiver down 60 s at 2,000 logs/s: RSS bounded by the configured limits (vs stock OTel)';

/**
 * Runs bench/receiver-outage.ts (a standalone script that prints a markdown table) in its own
 * process, so its memory measurement is not polluted by the other scenarios' heaps.
 */
export async function receiverOutageScenario(settings: BenchSettings): Promise<ScenarioReport> {
  const base = { title: TITLE, method: 'bench/receiver-outage.ts, run in its own process.', rows: [] };
  if (!existsSync(OUTAGE_SCRIPT)) {
    return {
      ...base,
      unavailable: 'bench/receiver-outage.ts is not in the tree yet (the delivery work writes it).',
      goals: [{ goal: GOAL, measured: 'not available yet', met: undefined }],
    };
  }
  const args = [OUTAGE_SCRIPT, ...(settings.quick ? ['--quick'] : [])];
  const timeoutMillis = settings.quick ? 120_000 : 300_000;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMillis);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code !== 0) {
    const reason = `bench/receiver-outage.ts exited with ${code ?? 'a signal (timeout?)'}: ${stderr.trim().split('\n').slice(-3).join(' ')}`;
    return { ...base, unavailable: reason, goals: [{ goal: GOAL, measured: reason, met: undefined }] };
  }
  return {
    ...base,
    appendix: stdout,
    goals: [
      { goal: GOAL, measured: 'see the outage table (the script states its own verdict)', met: undefined },
    ],
  };
}
