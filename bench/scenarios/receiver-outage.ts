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
  const base = {
    title: TITLE,
    method:
      'bench/receiver-outage.ts (written with the delivery work) in its own process: each pipeline in a child ' +
      'process of its own logs at 2,000 records/s while its receiver is down for 60 s' +
      (settings.quick ? ' (5 s in --quick)' : '') +
      ', then up; its table follows.',
    rows: [],
  };
  if (!existsSync(OUTAGE_SCRIPT)) {
    return {
      ...base,
      unavailable: 'bench/receiver-outage.ts is not in the tree yet (the delivery work writes it).',
      goals: [{ goal: GOAL, measured: 'not available yet', met: undefined }],
    };
  }
  // The script reads its phases from the environment; --quick shrinks the 60 s outage to 5 s.
  const env = settings.quick
    ? {
        ...process.env,
        BEFORE_SECONDS: '1',
        OUTAGE_SECONDS: '5',
        AFTER_SECONDS: '2',
        DRAIN_LIMIT_SECONDS: '20',
      }
    : process.env;
  // Three contenders one after another, each up to 5 + 60 + 10 s plus a drain of at most 90 s.
  const timeoutMillis = settings.quick ? 180_000 : 600_000;
  const child = spawn(process.execPath, [OUTAGE_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], env });
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
    goals: [{ goal: GOAL, measured: summarizeRss(stdout), met: undefined }],
  };
}

/** "logweave (spool) +11.3 MiB, …, OTel JS stock +10.3 MiB" from the script's table. */
export function summarizeRss(table: string): string {
  const lines = table.split('\n');
  const header = lines.find((line) => line.startsWith('| pipeline'));
  const rssColumn = header?.split('|').findIndex((cell) => cell.includes('RSS')) ?? -1;
  if (header === undefined || rssColumn < 0) return 'see the outage table';
  const rows = lines
    .filter((line) => line.startsWith('| ') && line !== header)
    .map((line) => line.split('|'))
    .map((cells) => `${cells[1]?.trim()} +${cells[rssColumn]?.trim()}`);
  return `peak RSS over baseline: ${rows.join(', ')} (see the outage table)`;
}
