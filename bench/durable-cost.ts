/**
 * What `delivery.durableSeverity` costs per record: ERROR records logged through pipelines that
 * differ only in it (`off`, `error`, `error` + `durableFsync`), all with a spool, all sending to
 * one loopback receiver that answers at once. Interleaved rounds in one process (the starting
 * case rotates); per round each pipeline logs RECORDS records, then flushes.
 *
 * Reports, as medians over the rounds with their spread (IQR / median):
 * - emit: the time `logger.error()` takes (what the application thread pays, journal write included);
 * - emit + delivery: the same plus the flush (serialize, send, and settle the journal copies).
 *
 *   npx node bench/durable-cost.ts
 *   ROUNDS=40 RECORDS=1000 npx node bench/durable-cost.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogging, type Logging } from '../src/index.ts';
import { median, relativeSpread } from './harness/statistics.ts';

const ROUNDS = Number(process.env['ROUNDS'] ?? 30);
const WARMUP_ROUNDS = Number(process.env['WARMUP_ROUNDS'] ?? 5);
const RECORDS = Number(process.env['RECORDS'] ?? 500);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;

interface Case {
  name: string;
  logging: Logging;
  spoolDir: string;
  emit: number[];
  total: number[];
}

function pipeline(
  name: string,
  delivery: { durableSeverity?: 'error' | 'off'; durableFsync?: boolean },
): Case {
  const spoolDir = mkdtempSync(join(tmpdir(), 'durable-cost-'));
  const logging = createLogging({
    serviceName: 'durable-cost',
    otlp: { url },
    handleSignals: false,
    diagnosticWriter: () => undefined,
    env: {},
    delivery: { spoolDir, ...delivery },
  });
  return { name, logging, spoolDir, emit: [], total: [] };
}

const cases = [
  pipeline('durableSeverity off', { durableSeverity: 'off' }),
  pipeline('durableSeverity error', { durableSeverity: 'error' }),
  pipeline('durableSeverity error + durableFsync', { durableSeverity: 'error', durableFsync: true }),
];
const error = new Error('card declined');
let sequence = 0;
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  for (let offset = 0; offset < cases.length; offset++) {
    const benchCase = cases[(round + offset) % cases.length]!;
    const log = benchCase.logging.getLogger('payments');
    const started = process.hrtime.bigint();
    for (let index = 0; index < RECORDS; index++) {
      log.error('charge failed', { orderId: `order-${sequence++}`, amount: 42, error });
    }
    const emitted = process.hrtime.bigint();
    await benchCase.logging.forceFlush();
    const flushed = process.hrtime.bigint();
    if (round >= WARMUP_ROUNDS) {
      benchCase.emit.push(Number(emitted - started) / RECORDS);
      benchCase.total.push(Number(flushed - started) / RECORDS);
    }
  }
}

const load = loadavg().map((value) => value.toFixed(2));
const base = cases[0]!;
const micros = (ns: number): string => (ns / 1000).toFixed(1);
const lines = [
  `### durableSeverity: cost per ERROR record (${ROUNDS} rounds of ${RECORDS}, load average ${load.join(' ')})`,
  '',
  '| pipeline | emit, µs/record (spread) | emit vs off | emit + delivery, µs/record (spread) | vs off | exported | dropped |',
  '|---|---:|---:|---:|---:|---:|---|',
];
for (const benchCase of cases) {
  await benchCase.logging.shutdown();
  const stats = benchCase.logging.stats();
  lines.push(
    `| ${benchCase.name} | ${micros(median(benchCase.emit))} (${relativeSpread(benchCase.emit).toFixed(0)} %) | ` +
      `${(median(benchCase.emit) / median(base.emit)).toFixed(2)}x | ` +
      `${micros(median(benchCase.total))} (${relativeSpread(benchCase.total).toFixed(0)} %) | ` +
      `${(median(benchCase.total) / median(base.total)).toFixed(2)}x | ${stats.exported} | ${JSON.stringify(stats.dropped)} |`,
  );
  rmSync(benchCase.spoolDir, { recursive: true, force: true });
}
server.close();
process.stdout.write(`${lines.join('\n')}\n`);
