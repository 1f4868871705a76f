/** A log record flattened from an OTLP/JSON request, for assertions. */
export interface ReceivedRecord {
  serviceName: string | undefined;
  resource: Record<string, unknown>;
  scope: string;
  traceId: string;
  spanId: string;
  flags: number;
  severityNumber: number;
  severityText: string | undefined;
  body: unknown;
  attributes: Record<string, unknown>;
  timeUnixNano: string;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

/** Converts an OTLP AnyValue into a plain JS value (int64 as number when safe). */
export function fromAnyValue(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(fromAnyValue);
  if (value.kvlistValue !== undefined) return fromKeyValues(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

export function fromKeyValues(values: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of values ?? []) {
    Object.defineProperty(out, key, {
      value: fromAnyValue(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

interface OtlpRequest {
  resourceLogs?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeLogs?: Array<{
      scope?: { name?: string };
      logRecords?: Array<{
        traceId?: string;
        spanId?: string;
        flags?: number;
        severityNumber?: number;
        severityText?: string;
        body?: OtlpAnyValue;
        attributes?: OtlpKeyValue[];
        timeUnixNano?: string;
      }>;
    }>;
  }>;
}

/** Flattens one ExportLogsServiceRequest (OTLP/JSON shape) into records. */
export function flattenRequest(request: unknown): ReceivedRecord[] {
  const records: ReceivedRecord[] = [];
  for (const resourceLogs of (request as OtlpRequest).resourceLogs ?? []) {
    const resource = fromKeyValues(resourceLogs.resource?.attributes);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) {
        records.push({
          serviceName: resource['service.name'] as string | undefined,
          resource,
          scope: scopeLogs.scope?.name ?? '',
          traceId: record.traceId ?? '',
          spanId: record.spanId ?? '',
          flags: record.flags ?? 0,
          severityNumber: record.severityNumber ?? 0,
          severityText: record.severityText,
          body: fromAnyValue(record.body),
          attributes: fromKeyValues(record.attributes),
          timeUnixNano: String(record.timeUnixNano ?? ''),
        });
      }
    }
  }
  return records;
}
