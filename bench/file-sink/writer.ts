/**
 * One of several processes writing to one file sink, at a steady pace, measuring its own
 * event-loop delay. Run by `bench/file-sink-contention.ts`; imports logweave from the tree
 * named by `LOGWEAVE_INDEX` (a file URL of some checkout's `src/index.ts`), so two checkouts
 * are measured by the same script.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as Logweave from '../../src/index.ts';

const { createLogging } = (await import(process.env['LOGWEAVE_INDEX']!)) as typeof Logweave;
const worker = Number(process.env['WORKER']);
const rate = Number(process.env['RATE']);
const seconds = Number(process.env['SECONDS']);
const burst = 10;

const logging = createLogging({
  serviceName: 'file-bench',
  exporter: 'file',
  file: {
    path: process.env['FILE_PATH']!,
    maxBytes: Number(process.env['MAX_BYTES']),
    maxFiles: Number(process.env['MAX_FILES']),
  },
  batch: { maxExportBatchSize: 32, scheduledDelayMillis: 5, maxQueueSize: 100_000 },
  env: {},
});
const log = logging.getLogger('bench');

// 1 ms sampling: a synchronous wait of a few milliseconds shows in the histogram.
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const intervalMillis = (1000 * burst) / rate;
const total = Math.round(rate * seconds);
const started = performance.now();
let index = 0;
while (index < total) {
  for (let inBurst = 0; inBurst < burst && index < total; inBurst++, index++) {
    // Mostly short lines, now and then one longer than a pipe buffer, as in the sink test.
    const padding = 'x'.repeat(index % 100 === 0 ? 6000 : index % 50);
    log.info('bench line', { worker, index, padding });
  }
  const due = started + (index / burst) * intervalMillis;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
}
await logging.shutdown();
delay.disable();
const stats = logging.stats();
process.stdout.write(
  `${JSON.stringify({
    p50: delay.percentile(50) / 1e6,
    p99: delay.percentile(99) / 1e6,
    max: delay.max / 1e6,
    exported: stats.exported,
    dropped: stats.dropped,
  })}\n`,
);
