/**
 * Cost of the redaction stage per record, in the same process run (ns/record, lower is better):
 *   npx node bench/redaction.ts
 * Records go through a real SDK LoggerProvider into a no-op processor, with and without the stage,
 * so the difference is what redaction adds to a record on the hot path. The second table puts the
 * worst inputs known (hostile text that made the former regexes quadratic) next to typical text of
 * the same length: linear-time redaction keeps the two within a small factor.
 */
import os from 'node:os';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { normalizeAttributes } from '../src/attributes/normalize-attributes.ts';
import type { RedactionOptions } from '../src/config/redaction-options.ts';
import { RedactionProcessor } from '../src/pipeline/redaction-processor.ts';
import { median } from './harness/statistics.ts';

const ITERATIONS = 300_000;
const ROUNDS = 5;

const noop: LogRecordProcessor = {
  onEmit: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

interface BenchRecord {
  body: string;
  attributes: Record<string, string | number | boolean>;
}

/** `unit` repeated to `length` characters, then `tail`. */
function repeated(unit: string, length: number, tail = ''): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length - tail.length) + tail;
}

/** What the built-in access record logs (src/http/access-record.ts), with the given User-Agent. */
function accessRecord(userAgent: string): BenchRecord {
  return {
    body: 'GET /orders/:id 200',
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'url.path': '/orders/7',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'user_agent.original': userAgent,
      'http.response.status_code': 200,
      'http.server.request.duration': 0.004,
    },
  };
}

/** An 8 KiB User-Agent (the value length limit): a real browser's, repeated; and the hostile one. */
const typicalUserAgent = repeated(
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 ',
  8192,
);
const hostileUserAgent = repeated('1-', 8192, 'x');
/** 64 KiB string bodies (the body limit): log text with numbers and ids; and hostile ones. */
const typicalBody = repeated(
  'order 4711 shipped to warehouse 7 at 2026-01-21T10:00:00Z, id 3f2504e0-4f89; ',
  65_536,
);
const hostileBodies: Array<[string, string]> = [
  ['card digits 2-2-2-…x', repeated('2-', 65_536, 'x')],
  ['JWT starts eyJ-eyJ-…!', repeated('eyJ-', 65_536, '!')],
  ['key=value a.a.a.…=', repeated('a.', 65_536, '=')],
];

const typical: BenchRecord = {
  body: 'order fetched',
  attributes: {
    'http.request.method': 'GET',
    'http.route': '/orders/:id',
    'user.id': 'u-1234567',
    durationMs: 12.5,
    status: 200,
  },
};
const withSecrets: BenchRecord = {
  body: 'calling upstream with Bearer abcdefghijklmnopqrstuvwxyz',
  attributes: {
    authorization: 'Basic dXNlcjpwYXNz',
    'http.route': '/pay',
    card: '4111 1111 1111 1111',
    durationMs: 3,
    ok: true,
  },
};

function emitter(stage: 'none' | RedactionOptions): (record: BenchRecord) => void {
  const processor = stage === 'none' ? noop : new RedactionProcessor(noop, stage);
  const logger = new LoggerProvider({ processors: [processor] }).getLogger('bench');
  return (record) => logger.emit({ severityNumber: 9, body: record.body, attributes: record.attributes });
}

function nsPerCall(fn: () => void): number {
  for (let index = 0; index < 20_000; index++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < ITERATIONS; index++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  return best;
}

const baseline = emitter('none');
const on = emitter({});
const off = emitter({ enabled: false });
const hashed = emitter({ mode: 'hash', hashKey: 'bench-hash-key-0123456789' });
const base = nsPerCall(() => baseline(typical));
const rows: Array<[string, number]> = [
  ['SDK emit, no redaction stage (baseline)', base],
  ['+ redaction on, typical 5-attribute record', nsPerCall(() => on(typical))],
  ['+ redaction off (enabled: false)', nsPerCall(() => off(typical))],
];
const secretBase = nsPerCall(() => baseline(withSecrets));
rows.push(['SDK emit, record with 3 secrets (baseline)', secretBase]);
rows.push(['+ redaction on, 3 secrets removed', nsPerCall(() => on(withSecrets))]);
rows.push(['+ redaction on, 3 secrets hashed (HMAC)', nsPerCall(() => hashed(withSecrets))]);
rows.push([
  'facade normalizeAttributes, typical 5 attributes',
  nsPerCall(() => normalizeAttributes(typical.attributes)),
]);
for (const [name, ns] of rows) console.log(`${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns/record`);
console.log(
  `redaction adds ${(rows[1]![1] - base).toFixed(0)} ns to a typical record (best of ${ROUNDS} rounds of ${ITERATIONS})`,
);

/**
 * Median µs per call over ROUNDS rounds, each of at least 50 ms or one call: a hostile input that
 * took seconds before the scanners is measured as honestly as one that takes microseconds.
 */
function microsPerCall(fn: () => void): number {
  fn();
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    let calls = 0;
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start);
    } while (elapsed < 50_000_000);
    perCall.push(elapsed / calls / 1000);
  }
  return median(perCall);
}

console.log(`\nworst inputs beside typical ones (median of ${ROUNDS} rounds, µs/record, redaction on):`);
const typicalAccess = microsPerCall(() => on(accessRecord(typicalUserAgent)));
const worst: Array<[string, number, number]> = [
  ['access record, typical 8 KiB User-Agent', typicalAccess, typicalAccess],
  [
    'access record, hostile 8 KiB User-Agent 1-1-…x',
    microsPerCall(() => on(accessRecord(hostileUserAgent))),
    typicalAccess,
  ],
];
const bodyRecord = (body: string): BenchRecord => ({ body, attributes: typical.attributes });
const typicalBodyMicros = microsPerCall(() => on(bodyRecord(typicalBody)));
worst.push(['64 KiB body, typical log text', typicalBodyMicros, typicalBodyMicros]);
for (const [name, body] of hostileBodies) {
  worst.push([`64 KiB body, hostile ${name}`, microsPerCall(() => on(bodyRecord(body))), typicalBodyMicros]);
}
for (const [name, micros, reference] of worst) {
  console.log(
    `${name.padEnd(52)} ${micros.toFixed(1).padStart(10)} µs/record  ${(micros / reference).toFixed(1).padStart(7)}x typical`,
  );
}
console.log(
  `load average ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')} on ${os.availableParallelism()} cores`,
);
