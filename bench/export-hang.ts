/**
 * A Collector that hangs: it accepts every request and answers none for HANG_SECONDS (default 10)
 * while the service logs RATE records/s (default 2000), then answers everything it held and works
 * again. logweave at its defaults (export timeout 10 s, queue 2,048, batches of 512), with and
 * without a spool; each in its own child process. Reports the share of the records emitted during
 * the hang that the batch queue dropped (`queue_full`), what was spooled, and after the recovery
 * what arrived and how often.
 *
 *   npx node bench/export-hang.ts
 *   HANG_SECONDS=5 npx node bench/export-hang.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtobufRequest } from '../test/helpers/otlp-proto.ts';
import { flattenRequest } from '../test/helpers/otlp-records.ts';

const RATE = Number(process.env['RATE'] ?? 2000);
const BEFORE_SECONDS = Number(process.env['BEFORE_SECONDS'] ?? 2);
const HANG_SECONDS = Number(process.env['HANG_SECONDS'] ?? 10);
const AFTER_SECONDS = Number(process.env['AFTER_SECONDS'] ?? 3);

type Contender = 'logweave (spool)' | 'logweave (no spool)';
const CONTENDERS: Contender[] = ['logweave (spool)', 'logweave (no spool)'];

type ToChild = { type: 'mark' } | { type: 'stop' };
type FromChild =
  | { type: 'ready' }
  | { type: 'marked'; emitted: number; queueFull: number }
  | { type: 'stopped'; emitted: number; stats: Record<string, unknown> };

async function runChild(contender: Contender, url: string): Promise<void> {
  const send = (message: FromChild): void => void process.send?.(message);
  const { createLogging } = await import('../src/index.ts');
  const spoolDir = contender === 'logweave (spool)' ? mkdtempSync(join(tmpdir(), 'hang-spool-')) : undefined;
  const logging = createLogging({
    serviceName: 'hang',
    otlp: { url },
    handleSignals: false,
    diagnosticWriter: () => undefined,
    env: {},
    ...(spoolDir === undefined ? {} : { delivery: { spoolDir } }),
  });
  const logger = logging.getLogger('hang');
  let emitted = 0;
  const started = performance.now();
  const producer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    while (emitted < due) logger.info('hang', { index: emitted++ });
  }, 5);
  process.on('message', (message: ToChild) => {
    if (message.type === 'mark') {
      send({ type: 'marked', emitted, queueFull: logging.stats().dropped.queue_full ?? 0 });
    } else {
      clearInterval(producer);
      void logging.shutdown().then(() => {
        send({ type: 'stopped', emitted, stats: { ...logging.stats() } });
        if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready' });
}

/** Accepts everything; while hanging, holds the responses and answers them when the hang ends. */
class HangingReceiver {
  readonly seen = new Map<number, number>();
  hanging = false;
  readonly #held: ServerResponse[] = [];
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      for (const record of flattenRequest(decodeProtobufRequest(Buffer.concat(chunks)))) {
        const index = Number(record.attributes['index']);
        this.seen.set(index, (this.seen.get(index) ?? 0) + 1);
      }
      if (this.hanging) this.#held.push(res);
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1/logs`;
  }

  recover(): void {
    this.hanging = false;
    for (const res of this.#held.splice(0)) {
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const sleep = (seconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, seconds * 1000));

function nextMessage<T extends FromChild['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (message: FromChild): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as Extract<FromChild, { type: T }>);
    };
    child.on('message', onMessage);
  });
}

interface Row {
  contender: Contender;
  hangEmitted: number;
  hangQueueFull: number;
  emitted: number;
  delivered: number;
  duplicates: number;
  stats: Record<string, unknown>;
}

async function measure(contender: Contender): Promise<Row> {
  const receiver = new HangingReceiver();
  const url = await receiver.start();
  const child = fork(fileURLToPath(import.meta.url), ['child', contender, url], { stdio: 'inherit' });
  await nextMessage(child, 'ready');
  await sleep(BEFORE_SECONDS);
  receiver.hanging = true;
  child.send({ type: 'mark' } satisfies ToChild);
  const start = await nextMessage(child, 'marked');
  await sleep(HANG_SECONDS);
  child.send({ type: 'mark' } satisfies ToChild);
  const end = await nextMessage(child, 'marked');
  receiver.recover();
  await sleep(AFTER_SECONDS);
  child.send({ type: 'stop' } satisfies ToChild);
  const stopped = await nextMessage(child, 'stopped');
  await once(child, 'exit');
  await receiver.close();
  let received = 0;
  for (const count of receiver.seen.values()) received += count;
  return {
    contender,
    hangEmitted: end.emitted - start.emitted,
    hangQueueFull: end.queueFull - start.queueFull,
    emitted: stopped.emitted,
    delivered: receiver.seen.size,
    duplicates: received - receiver.seen.size,
    stats: stopped.stats,
  };
}

async function main(): Promise<void> {
  const load = loadavg().map((value) => value.toFixed(2));
  const rows = await Promise.all(CONTENDERS.map((contender) => measure(contender)));
  const lines = [
    `### Collector hangs for ${HANG_SECONDS} s at ${RATE} logs/s (defaults; load average ${load.join(' ')})`,
    '',
    '| pipeline | emitted during the hang | queue_full during the hang | share | emitted | delivered once recovered | duplicates | stats after shutdown |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.contender} | ${row.hangEmitted} | ${row.hangQueueFull} | ` +
        `${((100 * row.hangQueueFull) / Math.max(1, row.hangEmitted)).toFixed(1)} % | ${row.emitted} | ` +
        `${row.delivered} | ${row.duplicates} | ${JSON.stringify({ ...row.stats, kept: undefined })} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[2] === 'child') await runChild(process.argv[3] as Contender, process.argv[4]!);
else await main();
