// A service configured only by its environment, as the OTel Operator configures a pod: it logs
// COUNT records inside requests at RATE per second, waits until each is exported (through the
// spool after an outage), shuts down and writes its stats to STATS_FILE.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogging, runWithRequestContext } from '../../../src/index.ts';

const count = Number(process.env['PLATFORM_COUNT'] ?? '100');
const rate = Number(process.env['PLATFORM_RATE'] ?? '500');
const prefix = process.env['PLATFORM_PREFIX'] ?? 'svc';
const statsFile = process.env['STATS_FILE'];

const logging = createLogging();
const log = logging.getLogger(`${prefix}.api`);
const started = Date.now();
for (let i = 0; i < count; i++) {
  const traceId =
    (i + 1).toString(16).padStart(24, '0') + Buffer.from(prefix).toString('hex').padStart(8, '0').slice(-8);
  runWithRequestContext(
    { headers: { traceparent: `00-${traceId}-${'c'.repeat(16)}-01`, 'x-request-id': `${prefix}-${i}` } },
    () => log.info('order placed', { seq: i }),
  );
  // Paced by the clock, not by fixed sleeps per record: a slow machine catches up.
  const due = started + ((i + 1) * 1000) / rate;
  if (due > Date.now() + 5) await sleep(due - Date.now());
}
// Every record is either exported or counted as dropped; the spool replays after an outage.
const deadline = Date.now() + 120_000;
for (;;) {
  const stats = logging.stats();
  const settled = stats.exported + Object.values(stats.dropped).reduce((sum, n) => sum + (n ?? 0), 0);
  if (settled >= stats.emitted || Date.now() > deadline) break;
  await sleep(100);
}
await logging.shutdown();
if (statsFile !== undefined) writeFileSync(statsFile, JSON.stringify(logging.stats()));
