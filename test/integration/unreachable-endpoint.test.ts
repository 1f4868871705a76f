import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogging } from '../../src/index.ts';
import { closedPortUrl } from '../helpers/closed-port.ts';

test('nothing listening at the OTLP endpoint: one stderr line says where and how to change it', async () => {
  const url = await closedPortUrl();
  const lines: string[] = [];
  const logging = createLogging({
    serviceName: 'lonely',
    otlp: { url, timeoutMillis: 300 },
    batch: { maxExportBatchSize: 10, scheduledDelayMillis: 10 },
    diagnosticWriter: (line) => lines.push(line),
    handleSignals: false,
    env: {},
  });
  const log = logging.getLogger('lonely');
  for (let batch = 0; batch < 5; batch++) {
    for (let index = 0; index < 10; index++) log.info('nobody hears this', { batch, index });
    await logging.forceFlush();
  }
  await logging.shutdown();

  const stats = logging.stats();
  assert.equal(stats.exported, 0);
  const lost = Object.values(stats.dropped).reduce((sum, count) => sum + (count ?? 0), 0);
  assert.equal(lost, 50, 'every undelivered record is counted');
  const exportLines = lines.filter((line) => line.includes(url));
  assert.equal(exportLines.length, 1, `expected one rate-limited line, got:\n${lines.join('\n')}`);
  assert.match(exportLines[0] ?? '', /OTEL_EXPORTER_OTLP_ENDPOINT/);
});
