import { REQUEST_ID_ATTRIBUTE } from '../processors/context-processor.ts';
import { plainObjectOf, plainValueOf } from './otlp-json-values.ts';
import type { ViewRecord } from './view-record.ts';

/** Why a parsed JSON line is not an OTLP logs request; the reader reports it with the line number. */
export class NotOtlpLogsError extends Error {
  /** True for a valid OTLP request of another signal (traces, metrics) in a shared Collector file. */
  readonly otherSignal: boolean;

  constructor(message: string, otherSignal = false) {
    super(message);
    this.name = 'NotOtlpLogsError';
    this.otherSignal = otherSignal;
  }
}

const OTHER_SIGNALS = ['resourceSpans', 'resourceMetrics', 'resourceProfiles'];

/**
 * Flattens one `ExportLogsServiceRequest` (OTLP/JSON) into records, in the order they appear.
 * Accepts what logweave's file sink and the Collector's file exporter write, and the usual
 * variations of other producers: ids in hex (the OTLP/JSON rule) or base64 (plain proto3 JSON),
 * 64-bit integers as strings or numbers, severity as a number or its enum name.
 * Throws `NotOtlpLogsError` when the shape is not a logs request.
 */
export function flattenOtlpRequest(document: unknown, origin: string): ViewRecord[] {
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

  const records: ViewRecord[] = [];
  for (const resourceEntry of resourceLogs as unknown[]) {
    const resourceLog = asObject(resourceEntry);
    const resource = plainObjectOf(asObject(resourceLog['resource'])['attributes']);
    const serviceName = resource['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : '';
    for (const scopeEntry of asArray(resourceLog['scopeLogs'])) {
      const scopeLog = asObject(scopeEntry);
      const scopeName = asObject(scopeLog['scope'])['name'];
      const module = typeof scopeName === 'string' ? scopeName : '';
      for (const recordEntry of asArray(scopeLog['logRecords'])) {
        const record = asObject(recordEntry);
        const attributes = plainObjectOf(record['attributes']);
        const requestId = Object.hasOwn(attributes, REQUEST_ID_ATTRIBUTE)
          ? attributes[REQUEST_ID_ATTRIBUTE]
          : '';
        records.push({
          timeUnixNano: nanosOf(record['timeUnixNano']) || nanosOf(record['observedTimeUnixNano']),
          traceId: idOf(record['traceId'], 16),
          spanId: idOf(record['spanId'], 8),
          service,
          module,
          severityNumber: severityNumberOf(record['severityNumber']),
          severityText: typeof record['severityText'] === 'string' ? record['severityText'] : '',
          body: plainValueOf(record['body']),
          attributes,
          resource,
          requestId: typeof requestId === 'string' ? requestId : '',
          origin,
        });
      }
    }
  }
  return records;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function nanosOf(value: unknown): bigint {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  // Nanosecond timestamps exceed 2^53, so a JSON number has lost precision; still the right ms.
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return BigInt(Math.trunc(value));
  return 0n;
}

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Lowercase hex of a trace (16 bytes) or span (8 bytes) id; '' when absent, all zero or unreadable. */
function idOf(value: unknown, bytes: number): string {
  if (typeof value !== 'string' || value === '') return '';
  let hex = '';
  if (value.length === bytes * 2 && HEX.test(value)) hex = value.toLowerCase();
  else if (BASE64.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes) hex = decoded.toString('hex');
  }
  return /^0*$/.test(hex) ? '' : hex;
}

const SEVERITY_ENUM = /^SEVERITY_NUMBER_(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([2-4])?$/;
const SEVERITY_BASE: Readonly<Record<string, number>> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};

function severityNumberOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 24) return value;
  if (typeof value === 'string') {
    const match = SEVERITY_ENUM.exec(value);
    if (match?.[1] !== undefined)
      return (SEVERITY_BASE[match[1]] ?? 0) + (match[2] ? Number(match[2]) - 1 : 0);
  }
  return 0;
}
