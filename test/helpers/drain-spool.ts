import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { StatsSnapshot } from '../../src/index.ts';
import { startLoggingChild, waitForLine } from './logging-child.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const drainer = fileURLToPath(new URL('../fixtures/delivery-child.ts', import.meta.url));

/**
 * Replays `spoolDir` to a healthy receiver from a fresh process (a spool adopts only what other
 * processes left), until `expected` records were settled; returns its stats and the `index`
 * attribute of every record that arrived, in arrival order.
 */
export async function drainSpool(
  spoolDir: string,
  expected: number,
): Promise<{ stats: StatsSnapshot; indexes: number[] }> {
  const receiver = await startOtlpReceiver();
  try {
    const child = startLoggingChild(drainer, {
      MODE: 'drain',
      EXPECT: String(expected),
      LOGWEAVE_SPOOL_DIR: spoolDir,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
      LOGWEAVE_SPOOL_REPLAY_BACKOFF: '50',
      LOGWEAVE_DIAGNOSTIC_INTERVAL: '0',
    });
    const line = await waitForLine(child, (text) => text.startsWith('{'));
    const { code } = await child.exit;
    assert.equal(code, 0, child.stderr());
    const indexes = receiver.records.map((record) => Number(record.attributes['index']));
    return { stats: JSON.parse(line) as StatsSnapshot, indexes };
  } finally {
    await receiver.close();
  }
}
