import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoggingChild, waitForLine, waitUntil, type LoggingChild } from './logging-child.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const fixture = fileURLToPath(new URL('../fixtures/durable-child.ts', import.meta.url));

export interface SigkillResult {
  runs: number;
  /** Records each run had emitted (by its own report) before it was killed. */
  emitted: number;
  /** ERROR records whose emit() had returned before the kill. */
  errors: number;
  /** Of those, never delivered (live, or replayed by a later run). */
  errorsLost: number;
  /** Of every record reported emitted, never delivered. */
  recordsLost: number;
  /** Lost records per run (the in-memory window at the kill). */
  lostPerRun: number[];
  /** Records that arrived more than once. */
  duplicates: number;
}

/**
 * Runs the durable-child fixture `runs` times on one spool, SIGKILLing each once it has emitted
 * `recordsPerRun` records plus a fixed per-run offset (0..511, so the kills fall at different
 * points of the batch cycle); then one more start replays what the spool holds. Every run
 * sends to one healthy receiver on 127.0.0.1, which tells what arrived.
 */
export async function sigkillRuns(options: {
  runs: number;
  recordsPerRun: number;
  env: Record<string, string>;
  /** Overrides for the run that only replays (default: the same as the others). */
  drainEnv?: Record<string, string>;
}): Promise<SigkillResult> {
  const receiver = await startOtlpReceiver();
  const spoolDir = mkdtempSync(join(tmpdir(), 'logweave-sigkill-'));
  const baseEnv = {
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    LOGWEAVE_SPOOL_DIR: spoolDir,
    LOGWEAVE_DIAGNOSTIC_INTERVAL: '0',
    LOGWEAVE_SPOOL_REPLAY_BACKOFF: '50',
    ...options.env,
  };
  const errors = new Map<string, true>();
  const emittedPerRun: number[] = [];
  try {
    // Each run starts while the one before is still logging (its start-up, not its logging,
    // is what takes time); a spool adopts only what dead processes left, so nothing is shared.
    const start = (run: number): LoggingChild =>
      startLoggingChild(fixture, { ...baseEnv, RUN: String(run), RATE: '2000' });
    let next: LoggingChild | undefined = start(0);
    for (let run = 0; run < options.runs; run++) {
      const child: LoggingChild = next!;
      await waitForLine(child, (line) => line === 'ready');
      next = run + 1 < options.runs ? start(run + 1) : undefined;
      const killAfter = options.recordsPerRun + ((run * 263) % 512);
      await waitUntil(
        () => lastEmitted(child.stdout) >= killAfter,
        `run ${run} to emit ${killAfter} records`,
      );
      child.process.kill('SIGKILL');
      await child.exit;
      for (const line of child.stdout) if (line.startsWith('E ')) errors.set(`${run}:${line.slice(2)}`, true);
      emittedPerRun.push(lastEmitted(child.stdout) + 1);
    }
    // The run after the last kill only replays the spool.
    const last = startLoggingChild(fixture, {
      ...baseEnv,
      ...options.drainEnv,
      RUN: String(options.runs),
      RATE: '0',
    });
    await waitForLine(last, (line) => line === 'ready');
    const arrivedErrors = (): number =>
      receiver.records.filter((record) => errors.has(keyOf(record.attributes))).length;
    await waitUntil(() => arrivedErrors() >= errors.size, 'the spooled ERRORs', 15_000).catch(
      () => undefined,
    );
    // Give the replay a moment to finish what it started (a bounded wait; losses are then counted).
    let settledCount = -1;
    while (settledCount !== receiver.records.length) {
      settledCount = receiver.records.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    last.process.kill('SIGKILL');
    await last.exit;

    const arrived = new Map<string, number>();
    for (const record of receiver.records) {
      const key = keyOf(record.attributes);
      arrived.set(key, (arrived.get(key) ?? 0) + 1);
    }
    const lostPerRun = emittedPerRun.map((count, run) => {
      let lost = 0;
      for (let index = 0; index < count; index++) if (!arrived.has(`${run}:${index}`)) lost++;
      return lost;
    });
    let duplicates = 0;
    for (const count of arrived.values()) duplicates += count - 1;
    return {
      runs: options.runs,
      emitted: emittedPerRun.reduce((sum, count) => sum + count, 0),
      errors: errors.size,
      errorsLost: [...errors.keys()].filter((key) => !arrived.has(key)).length,
      recordsLost: lostPerRun.reduce((sum, count) => sum + count, 0),
      lostPerRun,
      duplicates,
    };
  } finally {
    await receiver.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

function lastEmitted(stdout: string[]): number {
  for (let index = stdout.length - 1; index >= 0; index--) {
    const line = stdout[index]!;
    if (line.startsWith('I ')) return Number(line.slice(2));
  }
  return -1;
}

function keyOf(attributes: Record<string, unknown>): string {
  return `${String(attributes['run'])}:${String(attributes['index'])}`;
}
