/**
 * How long compressing an export batch holds the event loop: `zlib.gzipSync` (what the HTTP sender
 * did) against `zlib.gzip` (callback, on the thread pool: what it does now). A 512-record batch
 * of the official protobuf serializer's bytes is compressed ROUNDS times each way, interleaved,
 * measuring the longest stretch the main thread spends on it (what no other callback can run in).
 *
 *   npx node bench/otlp-gzip-event-loop.ts
 */
import { randomBytes } from 'node:crypto';
import { gzip, gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';

const ROUNDS = 20;
const records: ReadableLogRecord[] = [];
const provider = new LoggerProvider({
  processors: [
    new SimpleLogRecordProcessor({
      exporter: {
        export: (logs, done) => (records.push(...logs), done({ code: ExportResultCode.SUCCESS })),
        shutdown: () => Promise.resolve(),
        forceFlush: () => Promise.resolve(),
      },
    }),
  ],
});
const logger = provider.getLogger('bench.gzip');
for (let i = 0; i < 512; i++) {
  logger.emit({
    body: `order ${i} placed for customer ${i * 7919} with ${i % 13} items`,
    attributes: { i, route: '/orders/:id', payload: randomBytes(300).toString('hex') },
  });
}
const body = ProtobufLogsSerializer.serializeRequest(records)!;

/**
 * The longest stretch the main thread spent compressing: the whole call for gzipSync; for the
 * callback form, the call (which only queues the work) and the callback, each measured.
 */
async function measure(
  compress: (onMainThread: (millis: number) => void) => Promise<unknown>,
): Promise<number> {
  let longest = 0;
  await compress((millis) => (longest = Math.max(longest, millis)));
  return longest;
}

const sync = async (onMainThread: (millis: number) => void): Promise<unknown> => {
  const started = performance.now();
  const result = gzipSync(body);
  onMainThread(performance.now() - started);
  return result;
};
const callback = (onMainThread: (millis: number) => void): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    gzip(body, (error, result) => {
      const inCallback = performance.now();
      if (error) reject(error);
      else resolve(result);
      onMainThread(performance.now() - inCallback);
    });
    onMainThread(performance.now() - started);
  });
const results: Record<string, number[]> = { gzipSync: [], gzip: [] };
for (let round = 0; round < ROUNDS; round++) {
  results['gzipSync']!.push(await measure(sync));
  results['gzip']!.push(await measure(callback));
}
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `batch: 512 records, ${body.byteLength} bytes of protobuf; load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);
for (const [name, values] of Object.entries(results)) {
  console.log(
    `${name.padEnd(9)} main-thread time per batch: median ${median(values).toFixed(2)} ms (of ${ROUNDS} rounds)`,
  );
}
console.log(
  `ratio gzipSync / gzip: ${(median(results['gzipSync']!) / median(results['gzip']!)).toFixed(1)}x`,
);
