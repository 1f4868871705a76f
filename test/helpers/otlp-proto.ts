import protobuf from 'protobufjs';

/*
 * The subset of opentelemetry-proto (collector/logs/v1, logs/v1, common/v1, resource/v1) a test
 * receiver needs to decode what logweave sends. Field numbers follow the upstream .proto files.
 */
const OTLP_LOGS_PROTO = `
syntax = "proto3";
package otlp;
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
`;

const root = protobuf.parse(OTLP_LOGS_PROTO, { keepCase: false }).root;
export const ExportLogsServiceRequest = root.lookupType('otlp.ExportLogsServiceRequest');
export const ExportLogsServiceResponse = root.lookupType('otlp.ExportLogsServiceResponse');

/** Decodes a protobuf request body into the same JSON shape OTLP/JSON uses (hex ids, string int64). */
export function decodeProtobufRequest(body: Uint8Array): unknown {
  const message = ExportLogsServiceRequest.decode(body);
  const json = ExportLogsServiceRequest.toObject(message, {
    longs: String,
    bytes: String,
    defaults: false,
    oneofs: false,
  });
  return convertIds(json);
}

/** protobufjs renders bytes as base64; OTLP/JSON uses hex for trace and span ids. */
function convertIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convertIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if ((key === 'traceId' || key === 'spanId') && typeof entry === 'string') {
      out[key] = Buffer.from(entry, 'base64').toString('hex');
    } else {
      out[key] = convertIds(entry);
    }
  }
  return out;
}
