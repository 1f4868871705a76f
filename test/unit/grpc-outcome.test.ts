// The OTLP spec's gRPC status table, as logweave's delivery policy applies it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { GRPC_CODE, grpcOutcome, retryDelay } from '../../src/exporters/grpc-outcome.ts';

const EXPECTED: Record<keyof typeof GRPC_CODE, 'retryable' | 'rejected'> = {
  OK: 'rejected', // never a failure in practice; anything unexpected is not retried
  CANCELLED: 'retryable',
  UNKNOWN: 'rejected',
  INVALID_ARGUMENT: 'rejected',
  DEADLINE_EXCEEDED: 'retryable',
  NOT_FOUND: 'rejected',
  ALREADY_EXISTS: 'rejected',
  PERMISSION_DENIED: 'rejected',
  RESOURCE_EXHAUSTED: 'rejected',
  FAILED_PRECONDITION: 'rejected',
  ABORTED: 'retryable',
  OUT_OF_RANGE: 'retryable',
  UNIMPLEMENTED: 'rejected',
  INTERNAL: 'rejected',
  UNAVAILABLE: 'retryable',
  DATA_LOSS: 'retryable',
  UNAUTHENTICATED: 'rejected',
};

const root = protobuf.parse(`
  syntax = "proto3";
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message RetryInfo { Duration retry_delay = 1; }
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
`).root;
function status(details: Array<{ typeUrl: string; value: Uint8Array }>): Uint8Array {
  const Status = root.lookupType('Status');
  return Status.encode(Status.fromObject({ code: 8, message: 'm', details })).finish();
}
function retryInfo(seconds: number, nanos: number): Uint8Array {
  const RetryInfo = root.lookupType('RetryInfo');
  return RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds, nanos } })).finish();
}
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

test('every gRPC code maps as the OTLP spec says', () => {
  for (const [name, code] of Object.entries(GRPC_CODE)) {
    const outcome = grpcOutcome({ code, details: 'x' });
    assert.equal(outcome.kind, EXPECTED[name as keyof typeof GRPC_CODE], name);
    assert.match('reason' in outcome ? outcome.reason : '', new RegExp(`gRPC ${name}`));
  }
});

test('RESOURCE_EXHAUSTED is retryable with RetryInfo, too large when over the size limit', () => {
  const withInfo = grpcOutcome({
    code: GRPC_CODE.RESOURCE_EXHAUSTED,
    details: 'quota',
    statusDetails: status([{ typeUrl: RETRY_INFO, value: retryInfo(2, 500e6) }]),
  });
  assert.deepEqual(withInfo, {
    kind: 'retryable',
    reason: 'gRPC RESOURCE_EXHAUSTED: quota',
    retryAfterMillis: 2500,
  });
  const tooLarge = grpcOutcome({
    code: GRPC_CODE.RESOURCE_EXHAUSTED,
    details: 'grpc: received message larger than max (5 vs. 4)',
  });
  assert.equal(tooLarge.kind, 'too_large');
});

test('retryDelay reads RetryInfo among other details and gives up on damaged bytes (differential with protobufjs)', () => {
  const other = { typeUrl: 'type.googleapis.com/google.rpc.DebugInfo', value: new Uint8Array([10, 1, 65]) };
  assert.equal(retryDelay(status([other, { typeUrl: RETRY_INFO, value: retryInfo(0, 75e6) }])), 75);
  assert.equal(retryDelay(status([other])), undefined);
  assert.equal(
    retryDelay(status([{ typeUrl: RETRY_INFO, value: retryInfo(999_999, 0) }])),
    3_600_000,
    'capped',
  );
  const whole = status([{ typeUrl: RETRY_INFO, value: retryInfo(1, 0) }]);
  for (let cut = 0; cut < whole.length; cut++) {
    const delay = retryDelay(whole.subarray(0, cut));
    assert.ok(delay === undefined || delay === 1000 || delay === 0, `cut at ${cut}: ${delay}`);
  }
  assert.equal(retryDelay(new Uint8Array(4096).fill(0xff)), undefined);
});

test('a TLS failure says which settings to check', () => {
  const outcome = grpcOutcome({
    code: GRPC_CODE.UNAVAILABLE,
    details: 'No connection established. Last error: self-signed certificate in certificate chain',
  });
  assert.equal(outcome.kind, 'retryable');
  assert.match(outcome.kind === 'retryable' ? outcome.reason : '', /OTEL_EXPORTER_OTLP_CERTIFICATE/);
});
