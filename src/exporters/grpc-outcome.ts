import type { SendOutcome } from './otlp-sender.ts';

/** gRPC status codes the OTLP spec names (the numbers are gRPC's own). */
export const GRPC_CODE = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = Object.fromEntries(Object.entries(GRPC_CODE).map(([name, code]) => [code, name]));

/** The OTLP spec's retryable codes; RESOURCE_EXHAUSTED only when the server sends RetryInfo. */
const RETRYABLE = new Set<number>([
  GRPC_CODE.CANCELLED,
  GRPC_CODE.DEADLINE_EXCEEDED,
  GRPC_CODE.ABORTED,
  GRPC_CODE.OUT_OF_RANGE,
  GRPC_CODE.UNAVAILABLE,
  GRPC_CODE.DATA_LOSS,
]);

/** Longest server-requested retry delay honoured; a larger RetryInfo is cut to this. */
const MAX_RETRY_DELAY_MILLIS = 3_600_000;
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const TLS_HINT = /certificate|ssl|tls|handshake/i;

/** A failed unary call as grpc-js reports it. */
export interface GrpcFailure {
  code: number;
  details: string;
  /** The `grpc-status-details-bin` trailer (a `google.rpc.Status`), when the server sent one. */
  statusDetails?: Uint8Array | undefined;
}

/**
 * Maps a failed OTLP/gRPC export to the delivery policy's outcome, as the OTLP spec's table says:
 * CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS are retried (after
 * RetryInfo's delay when given); RESOURCE_EXHAUSTED is retried only with RetryInfo, and a message
 * over the receiver's size limit is split like HTTP 413; every other code is rejected.
 */
export function grpcOutcome(failure: GrpcFailure): SendOutcome {
  const name = NAMES[failure.code] ?? `code ${failure.code}`;
  let reason = `gRPC ${name}${failure.details === '' ? '' : `: ${printable(failure.details)}`}`;
  if (TLS_HINT.test(failure.details)) {
    reason +=
      '; check the CA bundle (OTEL_EXPORTER_OTLP_CERTIFICATE) and, for mTLS, the client key and certificate';
  }
  const retryAfterMillis =
    failure.statusDetails === undefined ? undefined : retryDelay(failure.statusDetails);
  if (
    RETRYABLE.has(failure.code) ||
    (failure.code === GRPC_CODE.RESOURCE_EXHAUSTED && retryAfterMillis !== undefined)
  ) {
    return retryAfterMillis === undefined
      ? { kind: 'retryable', reason }
      : { kind: 'retryable', reason, retryAfterMillis };
  }
  if (
    failure.code === GRPC_CODE.RESOURCE_EXHAUSTED &&
    /larger than (the )?max|message too large|exceeds (the )?max/i.test(failure.details)
  ) {
    return { kind: 'too_large', reason };
  }
  return { kind: 'rejected', status: failure.code, reason };
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;

function printable(text: string): string {
  return text.slice(0, 300).replace(CONTROL_CHARACTERS, ' ').trim();
}

/**
 * RetryInfo's delay from a `google.rpc.Status` (field 3: repeated Any; Any field 1 type URL, field
 * 2 value; RetryInfo field 1 Duration; Duration fields 1 seconds, 2 nanos), or undefined. A reader
 * of the few fields needed, linear in the input, that gives up on anything malformed.
 */
export function retryDelay(status: Uint8Array): number | undefined {
  for (const detail of fields(status)) {
    if (detail.field !== 3 || !(detail.value instanceof Uint8Array)) continue;
    let typeUrl = '';
    let value: Uint8Array | undefined;
    for (const part of fields(detail.value)) {
      if (part.field === 1 && part.value instanceof Uint8Array)
        typeUrl = Buffer.from(part.value).toString('utf8');
      if (part.field === 2 && part.value instanceof Uint8Array) value = part.value;
    }
    if (typeUrl !== RETRY_INFO_TYPE || value === undefined) continue;
    for (const info of fields(value)) {
      if (info.field !== 1 || !(info.value instanceof Uint8Array)) continue;
      let seconds = 0;
      let nanos = 0;
      for (const duration of fields(info.value)) {
        if (duration.field === 1 && typeof duration.value === 'number') seconds = duration.value;
        if (duration.field === 2 && typeof duration.value === 'number') nanos = duration.value;
      }
      return Math.min(MAX_RETRY_DELAY_MILLIS, Math.max(0, seconds * 1000 + Math.floor(nanos / 1e6)));
    }
  }
  return undefined;
}

interface Field {
  field: number;
  value: number | Uint8Array;
}

/** The top-level fields of a protobuf message; stops at the first malformed byte. */
function fields(bytes: Uint8Array): Field[] {
  const result: Field[] = [];
  let offset = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 64 && offset < bytes.length; shift += 7) {
      const byte = bytes[offset++] as number;
      // Beyond 2^53 precision is lost, which no delay or length here needs.
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return undefined;
  };
  while (offset < bytes.length) {
    const key = varint();
    if (key === undefined) break;
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      const value = varint();
      if (value === undefined) break;
      result.push({ field, value });
    } else if (wireType === 2) {
      const length = varint();
      if (length === undefined || offset + length > bytes.length) break;
      result.push({ field, value: bytes.subarray(offset, offset + length) });
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else break;
  }
  return result;
}
