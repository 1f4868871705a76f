import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

const decoder = new TextDecoder();

/*
 * The official JSON serializer writes 64-bit integer attribute values as JSON numbers; the
 * OTLP/JSON spec and the Collector's file exporter write them as decimal strings. Outside of
 * string literals (where every quote is escaped) `"intValue":` can only be the field itself,
 * so quoting the number that follows is safe.
 */
const INT_VALUE_NUMBER = /"intValue":(-?\d+)/g;

/**
 * One `ExportLogsServiceRequest` in OTLP JSON on a single line, the format of the Collector's
 * file exporter: lowercase hex ids, 64-bit integers as strings, enums as integers.
 */
export function serializeOtlpJsonLine(records: ReadableLogRecord[]): string {
  const bytes = JsonLogsSerializer.serializeRequest(records);
  if (bytes === undefined) return '';
  return decoder.decode(bytes).replace(INT_VALUE_NUMBER, '"intValue":"$1"');
}
