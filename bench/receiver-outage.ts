/**
 * Receiver outage: a Collector that is down for OUTAGE_SECONDS (default 60) while the service
 * logs RATE records/s (default 2000), then comes back. For logweave (with and without a spool)
 * and, in the same harness, the stock OTel JS pipeline (LoggerProvider + BatchLogRecordProcessor +
 * OTLPLogExporter, all defaults), it reports the share of kept records delivered, duplicates,
 * peak RSS over the baseline and the time to drain the backlog after the receiver is back.
 *
 * Each pipeline runs in its own child process (so RSS is its own); the receiver runs here and
 * decodes every request to tell duplicates from losses. Prints a markdown table.
 *
 *   node bench/receiver-outage.ts            # full run, ~5 minutes
 *   OUTAGE_SECONDS=10 node bench/receiver-outage.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtobufRequest } from '../test/helpers/otlp-proto.ts';
import { flattenRequest } from '../test/helpers/otlp-records.ts';

const RATE = Number(process.env['RATE'] ?? 2000);
const BEFORE_SECONDS = Number(process.env['BEFORE_SECONDS'] ?? 5);
const OUTAGE_SECONDS = Number(process.env['OUTAGE_SECONDS'] ?? 60);
const AFTER_SECONDS = Number(process.env['AFTER_SECONDS'] ?? 10);
/** Longest wait for the backlog once logging stopped. */
const DRAIN_LIMIT_SECONDS = Number(process.env['DRAIN_LIMIT_SECONDS'] ?? 90);

type Contender = 'logweave (spool)' | 'logweave (no spool)' | 'OTel JS stock';
const CONTENDERS: Contender[] = ['logweave (spool)', 'logweave (no spool)', 'OTel JS stock'];

type ToChild = { type: 'up' } | { type: 'stop' } | { type: 'exit' };
type FromChild =
  | { type: 'ready' }
  | { type: 'marked'; index: number }
  | { type: 'stopped'; emitted: number }
  | { type: 'done'; peakRssOverBaseline: number; dropped: string };

// ---------------------------------------------------------------- child: one pipeline under load
async function runChild(contender: Contender, url: string): Promise<void> {
  const send = (message: FromChild): void => void process.send?.(message);
  let emitOne: (index: number) => void;
  let shutdown: () => Promise<void>;
  let describeDrops: () => string = () => '';
  let spoolDir: string | undefined;
  if (contender === 'OTel JS stock') {
    const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
    const provider = new LoggerProvider({
      processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url }) })],
    });
    const logger = provider.getLogger('outage');
    emitOne = (index) =>
      logger.emit({ severityNumber: 9, severityText: 'INFO', body: 'outage', attributes: { index } });
    shutdown = () => provider.shutdown();
  } else {
    const { createLogging } = await import('../src/index.ts');
    spoolDir = contender === 'logweave (spool)' ? mkdtempSync(join(tmpdir(), 'outage-spool-')) : undefined;
    const logging = createLogging({
      serviceName: 'outage',
      otlp: { url },
      handleSignals: false,
      diagnosticWriter: () => undefined,
      env: {},
      ...(spoolDir === undefined ? {} : { delivery: { spoolDir } }),
    });
    const logger = logging.getLogger('outage');
    emitOne = (index) => logger.info('outage', { index });
    shutdown = () => logging.shutdown();
    describeDrops = () =>
      Object.entries(logging.stats().dropped)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ');
  }

  await new Promise((resolve) => setTimeout(resolve, 500));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);

  let emitted = 0;
  const started = performance.now();
  // Paced by elapsed time, so a slow tick catches up instead of lowering the rate.
  const producer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    while (emitted < due) emitOne(emitted++);
  }, 5);

  process.on('message', (message: ToChild) => {
    if (message.type === 'up') send({ type: 'marked', index: emitted });
    if (message.type === 'stop') {
      clearInterval(producer);
      send({ type: 'stopped', emitted });
    }
    if (message.type === 'exit') {
      clearInterval(sampler);
      void shutdown().then(() => {
        send({ type: 'done', peakRssOverBaseline: peak - baseline, dropped: describeDrops() });
        if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready' });
}

// ---------------------------------------------------------------- parent: receiver and timeline
class OutageReceiver {
  readonly seen = new Map<number, number>();
  /** Arrival time of the last record whose index is below `watchBelow`. */
  lastOldArrival = 0;
  watchBelow = Infinity;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const now = performance.now();
        for (const record of flattenRequest(decodeProtobufRequest(Buffer.concat(chunks)))) {
          const index = Number(record.attributes['index']);
          this.seen.set(index, (this.seen.get(index) ?? 0) + 1);
          if (index < this.watchBelow) this.lastOldArrival = now;
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/v1/logs`;
  }

  async up(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  get received(): number {
    let total = 0;
    for (const count of this.seen.values()) total += count;
    return total;
  }
}

interface Row {
  contender: Contender;
  emitted: number;
  delivered: number;
  duplicates: number;
  peakRssMiB: number;
  drainSeconds: number | undefined;
  dropped: string;
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

async function measure(contender: Contender): Promise<Row> {
  const receiver = new OutageReceiver();
  await receiver.up();
  const child = fork(fileURLToPath(import.meta.url), ['child', contender, receiver.url], {
    stdio: 'inherit',
  });
  await nextMessage(child, 'ready');
  await sleep(BEFORE_SECONDS);
  await receiver.down();
  await sleep(OUTAGE_SECONDS);
  await receiver.up();
  const upAt = performance.now();
  child.send({ type: 'up' } satisfies ToChild);
  receiver.watchBelow = (await nextMessage(child, 'marked')).index;
  await sleep(AFTER_SECONDS);
  child.send({ type: 'stop' } satisfies ToChild);
  const { emitted } = await nextMessage(child, 'stopped');
  // Wait until everything arrived, or nothing new came for 15 s, or the limit.
  const giveUpAt = performance.now() + DRAIN_LIMIT_SECONDS * 1000;
  let lastCount = -1;
  let lastChange = performance.now();
  while (
    receiver.seen.size < emitted &&
    performance.now() < giveUpAt &&
    performance.now() - lastChange < 15_000
  ) {
    if (receiver.seen.size !== lastCount) {
      lastCount = receiver.seen.size;
      lastChange = performance.now();
    }
    await sleep(0.2);
  }
  const done = nextMessage(child, 'done');
  child.send({ type: 'exit' } satisfies ToChild);
  const { peakRssOverBaseline, dropped } = await done;
  await once(child, 'exit');
  await receiver.down();
  const delivered = receiver.seen.size;
  const oldDelivered = [...receiver.seen.keys()].some((index) => index < receiver.watchBelow);
  return {
    contender,
    emitted,
    delivered,
    duplicates: receiver.received - delivered,
    peakRssMiB: peakRssOverBaseline / 1024 / 1024,
    drainSeconds:
      oldDelivered && receiver.lastOldArrival > upAt ? (receiver.lastOldArrival - upAt) / 1000 : undefined,
    dropped,
  };
}

async function main(): Promise<void> {
  // Side by side: each pipeline has its own process and receiver, and all three live through the
  // same outage at once (2,000 logs/s each is light work for 2 cores); one after another the
  // outage alone took 4½ of the benchmark's minutes.
  const rows: Row[] = await Promise.all(CONTENDERS.map((contender) => measure(contender)));
  const lines = [
    `### Receiver down for ${OUTAGE_SECONDS} s at ${RATE} logs/s (${BEFORE_SECONDS} s up before, ${AFTER_SECONDS} s after)`,
    '',
    '| pipeline | records kept | delivered | share delivered | duplicates | peak RSS over baseline | time to drain after recovery | counted drops |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.contender} | ${row.emitted} | ${row.delivered} | ${((100 * row.delivered) / row.emitted).toFixed(1)} % | ` +
        `${row.duplicates} | ${row.peakRssMiB.toFixed(1)} MiB | ` +
        `${row.drainSeconds === undefined ? 'n/a' : `${row.drainSeconds.toFixed(1)} s`} | ${row.dropped || '-'} |`,
    ),
    '',
    'Time to drain: from the receiver coming back to the arrival of the last record emitted before it came back.',
    'The stock pipeline counts nothing (its drops are only visible through diag).',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[2] === 'child') await runChild(process.argv[3] as Contender, process.argv[4]!);
else await main();
