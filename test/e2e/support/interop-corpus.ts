import type { Logging } from '../../../src/index.ts';
import { runWithRequestContext } from '../../../src/index.ts';

/** One record of the interop corpus; its body is `r<index>`. */
export interface CorpusRecord {
  index: number;
  severity: 'info' | 'error';
  /** The trace it belongs to, with the explicit randomness of its tracestate if any. */
  trace?: { traceId: string; rv?: string };
}

export interface Corpus {
  records: CorpusRecord[];
  traces: number;
  rvTraces: number;
}

/** mulberry32, for hex digits that repeat from one run to the next. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function hex(random: () => number, digits: number): string {
  let text = '';
  while (text.length < digits) text += Math.floor(random() * 16).toString(16);
  return text;
}

/**
 * `traces` requests of two INFO records each, one in six with an ERROR too, a quarter of them
 * with an explicit `ot=rv:` in the tracestate (unrelated to the trace id's bits); then `outside`
 * records outside any trace and request, one in ten an ERROR.
 */
export function makeCorpus(options: { traces: number; outside: number; seed: number }): Corpus {
  const random = seeded(options.seed);
  const records: CorpusRecord[] = [];
  let rvTraces = 0;
  for (let traceIndex = 0; traceIndex < options.traces; traceIndex++) {
    const trace: { traceId: string; rv?: string } = { traceId: hex(random, 32) };
    if (random() < 0.25) {
      trace.rv = hex(random, 14);
      rvTraces++;
    }
    records.push({ index: records.length, severity: 'info', trace });
    records.push({ index: records.length, severity: 'info', trace });
    if (traceIndex % 6 === 0) records.push({ index: records.length, severity: 'error', trace });
  }
  for (let index = 0; index < options.outside; index++) {
    records.push({ index: records.length, severity: index % 10 === 0 ? 'error' : 'info' });
  }
  return { records, traces: options.traces, rvTraces };
}

/**
 * The randomness a consistent sampler compares with its threshold: the explicit rv, else the
 * trace id's rightmost 56 bits; undefined outside any trace (logweave draws it from its seed).
 */
export function traceRandomness(record: CorpusRecord): bigint | undefined {
  if (record.trace === undefined) return undefined;
  return BigInt(`0x${record.trace.rv ?? record.trace.traceId.slice(18)}`);
}

/** Emits the corpus through `logging`, each trace's records inside one request continuing it. */
export function emitCorpus(logging: Logging, corpus: Corpus): void {
  const log = logging.getLogger('interop');
  const write = (record: CorpusRecord): void => {
    if (record.severity === 'error') log.error(`r${record.index}`);
    else log.info(`r${record.index}`);
  };
  let index = 0;
  const records = corpus.records;
  while (index < records.length) {
    const trace = records[index]!.trace;
    if (trace === undefined) {
      write(records[index++]!);
      continue;
    }
    const input = {
      traceparent: `00-${trace.traceId}-00f067aa0ba902b7-01`,
      ...(trace.rv === undefined ? {} : { tracestate: `ot=rv:${trace.rv}` }),
    };
    runWithRequestContext(input, () => {
      while (index < records.length && records[index]!.trace === trace) write(records[index++]!);
    });
  }
}

/** The index of a corpus record from its body (`r<index>`), or undefined for anything else. */
export function corpusIndex(body: unknown): number | undefined {
  return typeof body === 'string' && /^r\d+$/.test(body) ? Number(body.slice(1)) : undefined;
}
