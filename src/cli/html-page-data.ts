import { escapeForTerminal } from '../core/terminal-escape.ts';
import { keptBy } from './kept-by.ts';
import type { PlainValue } from './otlp-json-values.ts';
import { severityOfRecord, severityRank } from './record-severity.ts';
import type { TraceGroup } from './trace-timeline.ts';

/** One record as the HTML page draws it. */
export interface PageRecord {
  /** Milliseconds from the trace's first record. */
  readonly offsetMillis: number;
  readonly time: string;
  readonly service: string;
  readonly module: string;
  readonly severity: string;
  readonly spanId: string;
  readonly requestId: string;
  readonly keptBy: string;
  readonly body: PlainValue;
  readonly attributes: { readonly [key: string]: PlainValue };
}

/** One trace of the page: its lanes (services, in order of first appearance) and records. */
export interface PageTrace {
  readonly traceId: string;
  readonly start: string;
  readonly failed: boolean;
  readonly services: readonly string[];
  readonly durationMillis: number;
  readonly records: readonly PageRecord[];
}

/**
 * Every string escaped as the terminal view escapes it (controls, line separators, bidi and
 * zero-width characters become visible `\uXXXX`), keys included: the page shows hostile text as
 * it is, and cannot be reordered or hidden by it.
 */
function visible(value: PlainValue): PlainValue {
  if (typeof value === 'string') return escapeForTerminal(value);
  if (Array.isArray(value)) return value.map(visible);
  if (value !== null && typeof value === 'object') {
    const copy: { [key: string]: PlainValue } = {};
    for (const [key, entry] of Object.entries(value)) {
      Object.defineProperty(copy, escapeForTerminal(key), {
        value: visible(entry),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  return value;
}

/** The timelines as plain data, ready to embed in the page (see `renderHtmlPage`). */
export function pageTraces(groups: readonly TraceGroup[]): PageTrace[] {
  return groups.map((group) => {
    const start = group.records[0]?.timeUnixNano ?? 0n;
    const services: string[] = [];
    const records = group.records.map((record) => {
      const service = escapeForTerminal(record.service || '-');
      if (!services.includes(service)) services.push(service);
      const offset =
        record.timeUnixNano === 0n || start === 0n ? 0 : Number(record.timeUnixNano - start) / 1e6;
      return {
        offsetMillis: offset,
        time: isoTime(record.timeUnixNano),
        service,
        module: escapeForTerminal(record.module || '-'),
        severity: severityOfRecord(record),
        spanId: record.spanId,
        requestId: escapeForTerminal(record.requestId),
        keptBy: escapeForTerminal(keptBy(record)),
        body: visible(record.body),
        attributes: visible(record.attributes) as { readonly [key: string]: PlainValue },
      };
    });
    return {
      traceId: group.traceId,
      start: isoTime(start),
      failed: group.records.some((record) => severityRank(severityOfRecord(record)) >= severityRank('error')),
      services,
      durationMillis: Math.max(0, ...records.map((record) => record.offsetMillis)),
      records,
    };
  });
}

function isoTime(nanos: bigint): string {
  if (nanos === 0n) return '-';
  const date = new Date(Number(nanos / 1_000_000n));
  return Number.isNaN(date.getTime()) ? '-' : date.toISOString();
}
