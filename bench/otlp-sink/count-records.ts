/*
 * Counting the log records in an OTLP export request without decoding it: the receiver must be
 * cheaper than the sender, or the benchmark measures the receiver. Protobuf is walked at the
 * wire-format level (field numbers from opentelemetry-proto: ExportLogsServiceRequest.resource_logs
 * = 1, ResourceLogs.scope_logs = 2, ScopeLogs.log_records = 2); JSON is parsed, as a Collector would.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

function readVarint(bytes: Uint8Array, position: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[position.at++];
    if (byte === undefined) throw new Error('truncated varint');
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
}

/** Calls `onField(fieldNumber, start, end)` for each length-delimited field in bytes[start, end). */
function forEachLengthDelimited(
  bytes: Uint8Array,
  start: number,
  end: number,
  onField: (field: number, fieldStart: number, fieldEnd: number) => void,
): void {
  const position = { at: start };
  while (position.at < end) {
    const key = readVarint(bytes, position);
    const wireType = key % 8;
    const field = Math.floor(key / 8);
    if (wireType === WIRE_VARINT) readVarint(bytes, position);
    else if (wireType === WIRE_FIXED64) position.at += 8;
    else if (wireType === WIRE_FIXED32) position.at += 4;
    else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(bytes, position);
      onField(field, position.at, position.at + length);
      position.at += length;
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
  if (position.at !== end) throw new Error('field overruns its message');
}

export function countProtobufRecords(bytes: Uint8Array): number {
  let count = 0;
  forEachLengthDelimited(bytes, 0, bytes.length, (field, start, end) => {
    if (field !== 1) return;
    forEachLengthDelimited(bytes, start, end, (scopeField, scopeStart, scopeEnd) => {
      if (scopeField !== 2) return;
      forEachLengthDelimited(bytes, scopeStart, scopeEnd, (recordField) => {
        if (recordField === 2) count++;
      });
    });
  });
  return count;
}

interface JsonRequest {
  resourceLogs?: Array<{ scopeLogs?: Array<{ logRecords?: unknown[] }> }>;
}

export function countJsonRecords(text: string): number {
  const request = JSON.parse(text) as JsonRequest;
  let count = 0;
  for (const resource of request.resourceLogs ?? []) {
    for (const scope of resource.scopeLogs ?? []) count += scope.logRecords?.length ?? 0;
  }
  return count;
}
