import {
  createLogging,
  DEFAULTS,
  type Logging,
  type OtlpProtocol,
  runWithRequestContext,
} from '../../src/index.ts';
import { nextTurn, sleep } from '../harness/event-loop.ts';
import { formatInteger, formatSpread, type ResultRow, type ScenarioReport } from '../harness/report.ts';
import type { BenchSettings } from '../harness/settings.ts';
import { median, relativeSpread } from '../harness/statistics.ts';
import { startOtlpSink, type OtlpSink } from '../otlp-sink/sink.ts';
import { callAttributes, MESSAGE, requestHeaders, TRACE_ID_KEPT } from '../peers/sample-record.ts';

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];
const CHUNK = 256;
const RECEIVER_WAIT_MILLIS = 10_000;

interface ProtocolSamples {
  logsPerSecond: number[];
  bytesPerRecord: number[];
  problems: string[];
}

function outstanding(logging: Logging): number {
  const stats = logging.stats();
  let dropped = 0;
  for (const count of Object.values(stats.dropped)) dropped += count ?? 0;
  return stats.emitted - stats.exported - dropped;
}

/**
 * Logs `total` records as fast as delivery allows without overflowing the batch queue (the
 * producer waits while a full queue's worth is outstanding), then waits until the receiver has
 * every one of them. Returns logs/s delivered and the request bytes per record.
 */
async function deliverOnce(protocol: OtlpProtocol, sink: OtlpSink, total: number, samples: ProtocolSamples) {
  const diagnostics: string[] = [];
  const logging = createLogging({
    serviceName: 'bench',
    exporter: 'otlp',
    otlp: { url: sink.url, protocol },
    handleSignals: false,
    env: {},
    diagnosticWriter: (line) => diagnostics.push(line),
  });
  const log = logging.getLogger('bench.export');
  const before = await sink.counts();
  const started = process.hrtime.bigint();
  await runWithRequestContext({ headers: requestHeaders(TRACE_ID_KEPT) }, async () => {
    for (let sent = 0; sent < total; sent += CHUNK) {
      while (outstanding(logging) + CHUNK > DEFAULTS.batch.maxQueueSize) await nextTurn();
      for (let i = 0; i < CHUNK && sent + i < total; i++) log.info(MESSAGE, callAttributes());
      await nextTurn();
    }
  });
  await logging.forceFlush();
  // The exporter's success callback can run before the receiver's worker counted the request.
  const deadline = Date.now() + RECEIVER_WAIT_MILLIS;
  let after = await sink.counts();
  while (after.records - before.records < total && Date.now() < deadline) {
    await sleep(1);
    after = await sink.counts();
  }
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await logging.shutdown();
  const received = after.records - before.records;
  if (received !== total) samples.problems.push(`${total} logged, ${received} received`);
  if (after.malformed > before.malformed) samples.problems.push('the receiver could not decode a request');
  if (diagnostics.length > 0) samples.problems.push(diagnostics[0]!);
  samples.logsPerSecond.push(received / elapsedSeconds);
  samples.bytesPerRecord.push((after.bytes - before.bytes) / Math.max(1, received));
}

/**
 * Issue 7, row 4: export throughput to a loopback OTLP receiver with logweave's default batch
 * settings, protobuf against JSON; logs/s delivered and bytes per record.
 */
export async function exportThroughputScenario(settings: BenchSettings): Promise<ScenarioReport> {
  const total = settings.quick ? 5000 : 60_000;
  const rounds = settings.quick ? 1 : 5;
  const sink = await startOtlpSink();
  const samples = new Map<OtlpProtocol, ProtocolSamples>(
    PROTOCOLS.map((p) => [p, { logsPerSecond: [], bytesPerRecord: [], problems: [] }]),
  );
  try {
    const warmup: ProtocolSamples = { logsPerSecond: [], bytesPerRecord: [], problems: [] };
    for (const protocol of PROTOCOLS) await deliverOnce(protocol, sink, Math.min(total, 5000), warmup);
    for (let round = 0; round < rounds; round++) {
      for (let offset = 0; offset < PROTOCOLS.length; offset++) {
        const protocol = PROTOCOLS[(round + offset) % PROTOCOLS.length]!;
        await deliverOnce(protocol, sink, total, samples.get(protocol)!);
      }
    }
  } finally {
    await sink.close();
  }
  const protobufRate = median(samples.get('http/protobuf')!.logsPerSecond);
  const rows: ResultRow[] = PROTOCOLS.map((protocol) => {
    const measured = samples.get(protocol)!;
    const rate = median(measured.logsPerSecond);
    return {
      name: `logweave → OTLP/HTTP ${protocol === 'http/json' ? 'JSON' : 'protobuf'}`,
      value: `${formatInteger(rate)} logs/s`,
      spread: formatSpread(relativeSpread(measured.logsPerSecond)),
      ratio: protocol === 'http/protobuf' ? '' : `${(rate / protobufRate).toFixed(2)}× protobuf`,
      note: [
        `${median(measured.bytesPerRecord).toFixed(0)} bytes/record on the wire`,
        ...(measured.problems.length > 0 ? [`PROBLEM: ${measured.problems.slice(0, 2).join('; ')}`] : []),
      ].join('; '),
    };
  });
  return {
    title: 'Export throughput to a loopback OTLP receiver (issue 7)',
    method:
      `createLogging with exporter 'otlp' (official OTLP/HTTP exporter, default batch settings: ` +
      `${DEFAULTS.batch.maxExportBatchSize} per batch, queue ${DEFAULTS.batch.maxQueueSize}) sends ${total.toLocaleString('en-US')} ` +
      `records per sample to a receiver on 127.0.0.1 in a worker thread that counts records and bytes. The ` +
      'producer logs as fast as delivery allows without overflowing the queue; the time runs until the ' +
      `receiver has counted every record. ${rounds} alternating round(s); uncompressed.`,
    rows,
    goals: [
      {
        goal: 'export throughput: logs/s and bytes/record reported (protobuf vs JSON)',
        measured: rows.map((r) => `${r.name.replace('logweave → OTLP/HTTP ', '')} ${r.value}`).join(', '),
        met: PROTOCOLS.every((p) => samples.get(p)!.problems.length === 0),
      },
    ],
  };
}
