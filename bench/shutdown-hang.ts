/**
 * Shutdown against a Collector that accepts and never answers, with a spool, at the defaults
 * (export timeout 10 s, shutdown budget 5 s): a service logs LINES records (default 300, batches
 * of 100), the first batch is in flight and hangs, then the service gets SIGTERM, or calls
 * `shutdown()` and `process.exit(0)`. Reports how long it took to end and how many records the
 * next start finds in the spool and delivers.
 *
 *   npx node bench/shutdown-hang.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drainSpool } from '../test/helpers/drain-spool.ts';
import { startLoggingChild, tell, waitForLine, waitUntil } from '../test/helpers/logging-child.ts';
import { startOtlpReceiver } from '../test/helpers/otlp-receiver.ts';

const LINES = Number(process.env['LINES'] ?? 300);
const child = fileURLToPath(new URL('../test/fixtures/shutdown-child.ts', import.meta.url));

async function measure(end: 'signal' | 'shutdown'): Promise<string> {
  const receiver = await startOtlpReceiver(() => 'hang');
  const spoolDir = mkdtempSync(join(tmpdir(), 'shutdown-hang-'));
  try {
    const logging = startLoggingChild(child, {
      END: end,
      LINES: String(LINES),
      BATCH: '100',
      LOGWEAVE_SPOOL_DIR: spoolDir,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    });
    await waitForLine(logging, (line) => line === 'ready');
    await waitUntil(() => receiver.received >= 1, 'the first batch to be in flight');
    const started = performance.now();
    if (end === 'signal') logging.process.kill('SIGTERM');
    else tell(logging);
    const { code, signal } = await logging.exit;
    const took = (performance.now() - started) / 1000;
    await receiver.close();
    const { stats, indexes } = await drainSpool(spoolDir, LINES);
    const summary = logging
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('logweave: [summary]'))
      .at(-1);
    return (
      `| ${end === 'signal' ? 'SIGTERM' : 'shutdown(), then process.exit(0)'} | ${took.toFixed(1)} s | ` +
      `${signal ?? `code ${code}`} | ${stats.exported} of ${LINES} | ${LINES - new Set(indexes).size} | ${summary ?? '-'} |`
    );
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

const load = loadavg().map((value) => value.toFixed(2));
const rows = [await measure('signal'), await measure('shutdown')];
process.stdout.write(
  [
    `### Shutdown while a request hangs, with a spool, defaults (load average ${load.join(' ')})`,
    '',
    '| how it ends | time to end | ended by | delivered by the next start | lost | last summary line |',
    '|---|---:|---|---:|---:|---|',
    ...rows,
  ].join('\n') + '\n',
);
