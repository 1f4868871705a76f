import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createLogging,
  getRequestContext,
  injectContext,
  type Logging,
  runWithRequestContext,
} from '../../src/index.ts';
import { FUZZ_SEED } from './secret-corpus.ts';

/** Runs per parser; four parsers, so 80,000 in all. */
const RUNS = 20_000;

let logging: Logging;
before(() => {
  logging = createLogging({ exporter: 'none', handleSignals: false, env: {} });
});
after(() => logging.shutdown());

type HeaderValue = string | string[];

interface Observed {
  requestId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  outgoing: Record<string, string>;
}

function observe(headers: Record<string, HeaderValue>): Observed {
  return runWithRequestContext({ headers }, () => {
    const request = getRequestContext();
    return {
      requestId: request.requestId,
      traceId: request.traceId,
      spanId: request.spanId,
      parentSpanId: request.parentSpanId,
      outgoing: injectContext({} as Record<string, string>),
    };
  });
}

/** Bounds that hold whatever came in. */
function assertBounded(observed: Observed): void {
  assert.match(observed.requestId, /^[A-Za-z0-9._:=+/-]{1,128}$/);
  assert.match(observed.traceId, /^[0-9a-f]{32}$/);
  assert.notEqual(observed.traceId, '0'.repeat(32));
  assert.match(observed.spanId, /^[0-9a-f]{16}$/);
  assert.match(observed.outgoing['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/);
  assert.equal(observed.outgoing['x-request-id'], observed.requestId);
  const baggage = observed.outgoing['baggage'];
  if (baggage !== undefined) {
    assert.ok(Buffer.byteLength(baggage) <= 8192, 'baggage ≤ 8192 bytes');
    assert.ok(baggage.split(',').length <= 64, 'baggage ≤ 64 members');
  }
  const tracestate = observed.outgoing['tracestate'];
  if (tracestate !== undefined) assert.ok(tracestate.length <= 512, 'tracestate ≤ 512 characters');
}

const lowerHex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const anyHexish = (length: number): fc.Arbitrary<string> =>
  fc.oneof(
    lowerHex(length),
    fc.string({
      unit: fc.constantFrom(...'0123456789abcdefABCDEFg-'),
      minLength: length - 1,
      maxLength: length + 1,
    }),
    fc.constant('0'.repeat(length)),
  );

/** Traceparents near the valid shape (mutated fields, extra fields, whitespace) and arbitrary text. */
const traceparent: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.constant('00'), fc.constant('ff'), anyHexish(2)),
      anyHexish(32),
      anyHexish(16),
      anyHexish(2),
      fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      fc.constantFrom('', ' ', '\t'),
    )
    .map(([version, traceId, spanId, flags, extra, space]) =>
      [
        `${space}${version}`,
        traceId,
        spanId,
        `${flags}${extra === undefined ? '' : `-${extra}`}${space}`,
      ].join('-'),
    ),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

/** What the W3C spec (and OTel's parser) accepts; used as the oracle. */
function isValidTraceparent(value: string): { traceId: string; spanId: string } | undefined {
  if (value.length > 512 || value.includes(',')) return undefined;
  const match = /^\s?([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?\s?$/.exec(value);
  if (match === null) return undefined;
  const [, version, traceId, spanId, , extra] = match;
  if (version === 'ff' || (version === '00' && extra !== undefined)) return undefined;
  if (traceId === '0'.repeat(32) || spanId === '0'.repeat(16)) return undefined;
  return traceId === undefined || spanId === undefined ? undefined : { traceId, spanId };
}

const headerValue = <T extends string>(single: fc.Arbitrary<T>): fc.Arbitrary<HeaderValue> =>
  fc.oneof(
    { weight: 4, arbitrary: single },
    { weight: 1, arbitrary: fc.array(single, { minLength: 0, maxLength: 5 }) },
  );

const baggageMember = fc
  .tuple(
    fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'k', '%E0%A4%A')),
    fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 300 })),
    fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
  )
  .map(([key, value, metadata]) => `${key}=${value}${metadata === undefined ? '' : `;${metadata}`}`);
const baggage = fc.oneof(
  fc.array(baggageMember, { maxLength: 120 }).map((members) => members.join(',')),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .integer({ min: 1, max: 200 })
    .map((count) => Array.from({ length: count }, (_, index) => `k${index}=${'v'.repeat(100)}`).join(',')),
);

const tracestate = fc.oneof(
  fc
    .array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })), { maxLength: 40 })
    .map((members) => members.map(([key, value]) => `${key}=${value}`).join(',')),
  fc.string({ unit: 'binary', maxLength: 700 }),
);

const requestId = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcXYZ019._:=+/-'), minLength: 1, maxLength: 140 }),
  fc.string({ maxLength: 140 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', 'a\r\nSet-Cookie: x=1', '\u001b[2J', 'a, b', 'a'.repeat(129)),
);

describe('header parsers never throw and keep every bound (fast-check)', () => {
  test('traceparent: continued exactly when W3C-valid, otherwise a new trace', () => {
    fc.assert(
      fc.property(headerValue(traceparent), (value) => {
        const observed = observe({ traceparent: value });
        assertBounded(observed);
        const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
        const valid = single === undefined ? undefined : isValidTraceparent(single);
        if (valid !== undefined) {
          assert.equal(observed.traceId, valid.traceId);
          assert.equal(observed.parentSpanId, valid.spanId);
        } else {
          assert.equal(observed.parentSpanId, undefined);
        }
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test('tracestate: bounded, only carried with a valid traceparent', () => {
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    fc.assert(
      fc.property(headerValue(tracestate), fc.boolean(), (value, withParent) => {
        const observed = observe(
          withParent ? { traceparent: valid, tracestate: value } : { tracestate: value },
        );
        assertBounded(observed);
        if (!withParent) assert.equal(observed.outgoing['tracestate'], undefined);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test('baggage: at most 64 members and 8192 bytes, whatever arrives', () => {
    fc.assert(
      fc.property(headerValue(baggage), (value) => {
        assertBounded(observe({ baggage: value }));
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test('request id: accepted only when safe and short, otherwise replaced (never echoed)', () => {
    fc.assert(
      fc.property(headerValue(requestId), (value) => {
        const observed = observe({ 'x-request-id': value });
        assertBounded(observed);
        const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
        const acceptable = single !== undefined && /^[A-Za-z0-9._:=+/-]{1,128}$/.test(single);
        if (acceptable) assert.equal(observed.requestId, single);
        else
          assert.match(
            observed.requestId,
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });
});
