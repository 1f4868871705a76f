import { escapeForTerminal } from '../core/terminal-escape.ts';
import type { PlainValue } from './otlp-json-values.ts';
import { keptBy } from './kept-by.ts';
import { severityOfRecord } from './record-severity.ts';
import type { TraceGroup } from './trace-timeline.ts';
import type { ViewRecord } from './view-record.ts';

const STACKTRACE = 'exception.stacktrace';
const REQUEST_ID = 'request.id';

/** How `formatTraceText` renders records. */
export interface TextFormatOptions {
  /** Print `exception.stacktrace` under its record, one escaped line per frame. Default: false. */
  stacks: boolean;
}

/**
 * Renders one trace as a readable timeline: a header (trace id, start, records, services,
 * request ids), then one line per record with time of day, offset from the trace's start,
 * severity, service, module, why it was kept (see `keptBy`), message and the remaining attributes. Every line goes through
 * `escapeForTerminal`, so no logged text can forge a line or drive the terminal.
 */
export function formatTraceText(group: TraceGroup, options: TextFormatOptions): string[] {
  const { records } = group;
  const first = records[0];
  if (first === undefined) return [];
  const services = distinct(records.map((record) => record.service || '-'));
  const requestIds = distinct(records.map((record) => record.requestId).filter((id) => id !== ''));
  const header = [
    group.traceId === '' ? 'no trace' : `trace ${group.traceId}`,
    formatIsoTime(first.timeUnixNano),
    `${records.length} record${records.length === 1 ? '' : 's'}`,
    `services: ${services.join(', ')}`,
  ];
  if (requestIds.length > 0)
    header.push(`request${requestIds.length === 1 ? '' : 's'}: ${requestIds.join(', ')}`);
  const lines = [escapeForTerminal(header.join('  '))];

  const serviceWidth = Math.max(...records.map((record) => (record.service || '-').length));
  const moduleWidth = Math.max(...records.map((record) => (record.module || '-').length));
  const keptWidth = Math.max(...records.map((record) => keptBy(record).length + 2));
  // A request id per line only helps when the trace holds several.
  const showRequestId = requestIds.length > 1;
  for (const record of records) {
    const parts = [
      `  ${formatTimeOfDay(record.timeUnixNano)}`,
      formatOffset(record.timeUnixNano - first.timeUnixNano, first.timeUnixNano === 0n).padStart(9),
      // The range name, not the producer's text (`WARNING`, `INFO2`), so columns line up; --json has both.
      severityOfRecord(record).toUpperCase().padEnd(5),
      (record.service || '-').padEnd(serviceWidth),
      (record.module || '-').padEnd(moduleWidth),
    ];
    if (showRequestId) parts.push(`req=${record.requestId || '-'}`);
    parts.push(`[${keptBy(record)}]`.padEnd(keptWidth));
    parts.push(record.body === null ? '' : renderValue(record.body));
    const rest = displayedAttributes(record);
    if (rest !== undefined) parts.push(renderValue(rest));
    lines.push(escapeForTerminal(parts.join('  ')));
    const stack = record.attributes[STACKTRACE];
    if (options.stacks && typeof stack === 'string') {
      for (const frame of stack.split('\n')) lines.push(escapeForTerminal(`      | ${frame}`));
    }
  }
  return lines;
}

/**
 * One JSON object per record for `--json`: ids in hex, times as ISO and as decimal nanoseconds,
 * severity as name and number, body/attributes/resource as plain values (64-bit integers that
 * do not fit a double stay strings). Every character the text view escapes (C1 controls, DEL,
 * line separators, bidi controls, zero-width characters) becomes a `\uXXXX` escape as well, so
 * `--json` on a terminal is as safe as the text view and each record is one line for every consumer.
 */
export function formatRecordJson(record: ViewRecord): string {
  const json = JSON.stringify({
    time: formatIsoTime(record.timeUnixNano),
    timeUnixNano: record.timeUnixNano.toString(),
    traceId: record.traceId,
    spanId: record.spanId,
    service: record.service,
    module: record.module,
    severity: severityOfRecord(record).toUpperCase(),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    requestId: record.requestId,
    keptBy: keptBy(record),
    body: record.body,
    attributes: record.attributes,
    resource: record.resource,
  });
  // Valid JSON still: these characters are never JSON syntax, so they can only sit inside a
  // string, and `escapeForTerminal` turns each into an escape JSON reads back as the same
  // character (`\uXXXX`; the `\n`, `\r`, `\t` it also knows were already escaped by stringify).
  return escapeForTerminal(json);
}

function displayedAttributes(record: ViewRecord): { [key: string]: PlainValue } | undefined {
  const shown: { [key: string]: PlainValue } = {};
  let count = 0;
  for (const [key, value] of Object.entries(record.attributes)) {
    if (key === REQUEST_ID || key === STACKTRACE) continue;
    Object.defineProperty(shown, key, { value, enumerable: true, writable: true, configurable: true });
    count += 1;
  }
  return count === 0 ? undefined : shown;
}

function renderValue(value: PlainValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** `2026-11-21T04:56:16.123Z`, or `-` when the record carries no time. */
export function formatIsoTime(nanos: bigint): string {
  if (nanos === 0n) return '-';
  const date = new Date(Number(nanos / 1_000_000n));
  return Number.isNaN(date.getTime()) ? '-' : date.toISOString();
}

function formatTimeOfDay(nanos: bigint): string {
  const iso = formatIsoTime(nanos);
  return iso === '-' ? '-'.padEnd(12) : iso.slice(11, 23);
}

function formatOffset(deltaNanos: bigint, unknown: boolean): string {
  if (unknown) return '';
  return `+${(Number(deltaNanos / 1000n) / 1000).toFixed(1)}ms`;
}
