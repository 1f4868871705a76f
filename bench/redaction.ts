/**
 * Cost of the redaction stage per record, in the same process run (ns/record, lower is better):
 *   npx node bench/redaction.ts
 * Records go through a real SDK LoggerProvider into a no-op processor, with and without the stage,
 * so the difference is what redaction adds to a record on the hot path.
 */
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { normalizeAttributes } from '../src/attributes/normalize-attributes.ts';
import type { RedactionOptions } from '../src/config/redaction-options.ts';
import { RedactionProcessor } from '../src/pipeline/redaction-processor.ts';

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
