import { REQUEST_ID_ATTRIBUTE } from '../core/attribute-names.ts';
import { plainObjectOf, plainValueOf } from './otlp-json-values.ts';
import type { ViewRecord } from './view-record.ts';

/** Why a parsed JSON line is not an OTLP logs request at all; the reader reports it with the line number. */
export class NotOtlpLogsError extends Error {
  /** True for a valid OTLP request of another signal (traces, metrics) in a shared Collector file. */
  readonly otherSignal: boolean;

  constructor(message: string, otherSignal = false) {
    super(message);
    this.name = 'NotOtlpLogsError';
    this.otherSignal = otherSignal;
  }
}

/** The records of one request, and what had to be skipped in it (with its path in the request). */
export interface FlattenedRequest {
  records: ViewRecord[];
  problems: string[];
}

const OTHER_SIGNALS = ['resourceSpans', 'resourceMetrics', 'resourceProfiles'];

/**
 * Flattens one `ExportLogsServiceRequest` (OTLP/JSON) into records, in the order they appear.
 * Accepts what logweave's file sink and the Collector's file exporter write, and the usual
 * variations of other producers: ids in hex (the OTLP/JSON rule) or base64 (plain proto3 JSON),
 * 64-bit integers as strings or numbers, severity as a number or its enum name; absent fields
 * take their proto3 defaults. A part of the request with a wrong shape or a record with an
 * unreadable id, time or severity is skipped and named in `problems`; the rest is kept.
 * Throws `NotOtlpLogsError` when the document is not a logs request at all.
 */
export function flattenOtlpRequest(document: unknown, origin: string): FlattenedRequest {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new NotOtlpLogsError('expected a JSON object with "resourceLogs"');
  }
  const request = document as Record<string, unknown>;
  const resourceLogs = request['resourceLogs'];
  if (resourceLogs === undefined) {
    const other = OTHER_SIGNALS.find((key) => key in request);
    if (other !== undefined) throw new NotOtlpLogsError(`an OTLP request of another signal (${other})`, true);
    throw new NotOtlpLogsError('expected a JSON object with "resourceLogs"');
  }
  if (!Array.isArray(resourceLogs)) throw new NotOtlpLogsError('"resourceLogs" is not an array');

  const flattened: FlattenedRequest = { records: [], problems: [] };
  resourceLogs.forEach((resourceEntry: unknown, resourceIndex) => {
    const resourcePath = `resourceLogs[${resourceIndex}]`;
    const resourceLog = objectAt(resourceEntry, resourcePath, flattened);
    if (resourceLog === undefined) return;
    const resource = plainObjectOf(optionalObject(resourceLog['resource'])['attributes']);
    const serviceName = resource['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : '';
    arrayAt(resourceLog['scopeLogs'], `${resourcePath}.scopeLogs`, flattened).forEach(
      (scopeEntry, scopeIndex) => {
        const scopePath = `${resourcePath}.scopeLogs[${scopeIndex}]`;
        const scopeLog = objectAt(scopeEntry, scopePath, flattened);
        if (scopeLog === undefined) return;
        const scopeName = optionalObject(scopeLog['scope'])['name'];
        const module = typeof scopeName === 'string' ? scopeName : '';
        arrayAt(scopeLog['logRecords'], `${scopePath}.logRecords`, flattened).forEach(
          (recordEntry, recordIndex) => {
            const recordPath = `${scopePath}.logRecords[${recordIndex}]`;
            const record = objectAt(recordEntry, recordPath, flattened);
            if (record === undefined) return;
            const problem = recordProblem(record);
            if (problem !== undefined) {
              flattened.problems.push(`${recordPath}: ${problem}; record skipped`);
              return;
            }
            const attributes = plainObjectOf(record['attributes']);
            const requestId = Object.hasOwn(attributes, REQUEST_ID_ATTRIBUTE)
              ? attributes[REQUEST_ID_ATTRIBUTE]
              : '';
            flattened.records.push({
              timeUnixNano: recordTime(record),
              traceId: idOf(record['traceId'], 16) ?? '',
              spanId: idOf(record['spanId'], 8) ?? '',
              service,
              module,
              severityNumber: severityNumberOf(record['severityNumber']) ?? 0,
              severityText: typeof record['severityText'] === 'string' ? record['severityText'] : '',
              body: plainValueOf(record['body']),
              attributes,
              resource,
              requestId: typeof requestId === 'string' ? requestId : '',
              origin,
            });
          },
        );
      },
    );
  });
  return flattened;
}

/** What makes a record unreadable, if anything; absent fields are proto3 defaults and fine. */
function recordProblem(record: Record<string, unknown>): string | undefined {
  for (const [field, bytes] of [
    ['traceId', 16],
    ['spanId', 8],
  ] as const) {
    if (record[field] !== undefined && idOf(record[field], bytes) === undefined) {
      return `${field} ${shown(record[field])} is neither ${bytes * 2} hex characters nor base64 of ${bytes} bytes`;
    }
  }
  for (const field of ['timeUnixNano', 'observedTimeUnixNano']) {
    if (record[field] !== undefined && nanosOf(record[field]) === undefined) {
      return `${field} ${shown(record[field])} is not a count of nanoseconds`;
    }
  }
  if (record['severityNumber'] !== undefined && severityNumberOf(record['severityNumber']) === undefined) {
    return `severityNumber ${shown(record['severityNumber'])} is not 0..24 or a SEVERITY_NUMBER_ name`;
  }
  if (record['attributes'] !== undefined && !Array.isArray(record['attributes']))
    return 'attributes is not an array';
  return undefined;
}

function objectAt(
  value: unknown,
  path: string,
  flattened: FlattenedRequest,
): Record<string, unknown> | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  flattened.problems.push(`${path} is not an object; skipped`);
  return undefined;
}

function arrayAt(value: unknown, path: string, flattened: FlattenedRequest): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  flattened.problems.push(`${path} is not an array; skipped`);
  return [];
}

function optionalObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** `timeUnixNano`, or the observed time when that is unknown (0). */
function recordTime(record: Record<string, unknown>): bigint {
  const time = nanosOf(record['timeUnixNano']) ?? 0n;
  return time !== 0n ? time : (nanosOf(record['observedTimeUnixNano']) ?? 0n);
}

/** Nanoseconds since the epoch (0n for "unknown"); undefined when unreadable. */
function nanosOf(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  // A JSON number this large has lost precision unless parseJsonLine kept its digits; still the right ms.
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.trunc(value));
  return undefined;
}

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Lowercase hex of a trace (16 bytes) or span (8 bytes) id; '' when empty or all zero; undefined when unreadable. */
function idOf(value: unknown, bytes: number): string | undefined {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') return undefined;
  let hex: string | undefined;
  if (value.length === bytes * 2 && HEX.test(value)) hex = value.toLowerCase();
  else if (BASE64.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes) hex = decoded.toString('hex');
  }
  if (hex === undefined) return undefined;
  return /^0*$/.test(hex) ? '' : hex;
}

const SEVERITY_ENUM = /^SEVERITY_NUMBER_(UNSPECIFIED|TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([2-4])?$/;
const SEVERITY_BASE: Readonly<Record<string, number>> = {
  UNSPECIFIED: 0,
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};

function severityNumberOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 24) return value;
  if (typeof value === 'string') {
    const match = SEVERITY_ENUM.exec(value);
    if (match?.[1] !== undefined && !(match[1] === 'UNSPECIFIED' && match[2] !== undefined)) {
      return (SEVERITY_BASE[match[1]] ?? 0) + (match[2] ? Number(match[2]) - 1 : 0);
    }
  }
  return undefined;
}
