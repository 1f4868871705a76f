import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import {
  captureContext,
  contextToEnv,
  createLogging,
  getRequestContext,
  injectContext,
  propagationHeaders,
  type Logging,
  type RequestContext,
  runWithRequestContext,
} from '../../src/index.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

let logging: Logging;
before(() => {
  logging = createLogging({ exporter: 'none', handleSignals: false, env: {} });
});
after(() => logging.shutdown());

type Headers = Record<string, string | string[]>;

function requestFor(headers: Headers): { request: RequestContext; outgoing: Record<string, string> } {
  return runWithRequestContext({ headers }, () => ({
    request: getRequestContext(),
    outgoing: injectContext({} as Record<string, string>),
  }));
}

function assertContinued(
  headers: Headers,
  expected: { traceId: string; parentSpanId: string; flags: number },
): void {
  const { request, outgoing } = requestFor(headers);
  assert.equal(request.traceId, expected.traceId);
  assert.equal(request.parentSpanId, expected.parentSpanId);
  assert.equal(request.traceFlags, expected.flags);
  assert.match(request.spanId, /^[0-9a-f]{16}$/);
  assert.notEqual(request.spanId, expected.parentSpanId, 'this service gets a span id of its own');
  const [, traceId, callSpanId, flags] = (outgoing['traceparent'] ?? '').split('-');
  assert.equal(traceId, expected.traceId);
  assert.equal(flags, expected.flags.toString(16).padStart(2, '0'));
  assertCallSpanId(callSpanId, request, expected.parentSpanId);
}

/** The parent-id of an outgoing call: a span id of the call, neither the request's nor its parent's. */
function assertCallSpanId(
  callSpanId: string | undefined,
  request: RequestContext,
  ...others: string[]
): void {
  assert.match(callSpanId ?? '', /^[0-9a-f]{16}$/);
  assert.notEqual(callSpanId, '0'.repeat(16));
  assert.notEqual(callSpanId, request.spanId, 'each outgoing call has a parent-id of its own');
  for (const other of others) assert.notEqual(callSpanId, other);
}

function assertNewTrace(headers: Headers): void {
  const { request, outgoing } = requestFor(headers);
  assert.match(request.traceId, /^[0-9a-f]{32}$/);
  assert.notEqual(request.traceId, TRACE_ID);
  assert.notEqual(request.traceId, '0'.repeat(32));
  assert.equal(request.parentSpanId, undefined);
  assert.match(request.spanId, /^[0-9a-f]{16}$/);
  const [version, traceId, callSpanId, flags] = (outgoing['traceparent'] ?? '').split('-');
  assert.deepEqual(
    [version, traceId, flags],
    ['00', request.traceId, '03'],
    'a new trace is sampled and random',
  );
  assertCallSpanId(callSpanId, request, SPAN_ID);
  assert.equal(
    outgoing['tracestate'],
    undefined,
    'the tracestate of a rejected traceparent is not propagated',
  );
}

describe('W3C traceparent: valid headers are continued', () => {
  test('version 00, sampled and not sampled', () => {
    assertContinued({ traceparent: VALID }, { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 1 });
    assertContinued(
      { traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` },
      { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 0 },
    );
  });

  test('a future version with extra fields is parsed by its version-00 prefix', () => {
    assertContinued(
      { traceparent: `cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-will-be-like` },
      { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 1 },
    );
    assertContinued(
      { traceparent: `01-${TRACE_ID}-${SPAN_ID}-01` },
      { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 1 },
    );
  });

  test('flags W3C does not define are not propagated (and never printed as three hex digits)', () => {
    const { request, outgoing } = requestFor({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-d1` });
    assert.equal(request.traceId, TRACE_ID);
    assert.equal(request.traceFlags, 0x01);
    assert.match(outgoing['traceparent'] ?? '', /-01$/);
    const random = requestFor({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-03` });
    assert.equal(random.request.traceFlags, 0x03, 'the Level 2 random flag is kept');
    const notRandom = requestFor({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
    assert.equal(notRandom.request.traceFlags, 0x01, 'a continued trace does not gain the random flag');
  });

  test('spaces and tabs around the value are not part of it (RFC 9110), whatever the carrier', () => {
    for (const value of [` ${VALID}`, `\t${VALID}`, `${VALID} `, `\t ${VALID} \t`, `  \t ${VALID}\t\t  `]) {
      assertContinued({ traceparent: value }, { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 1 });
    }
  });

  test('header names are case-insensitive; a single-element array is one header', () => {
    assertContinued({ TraceParent: VALID }, { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 1 });
    assertContinued({ traceparent: [VALID] }, { traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: 1 });
  });

  test('tracestate is carried on with a valid traceparent; duplicated tracestate headers are combined', () => {
    const { outgoing } = requestFor({
      traceparent: VALID,
      tracestate: ['congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7'],
    });
    assert.equal(outgoing['tracestate'], 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
  });
});

describe('W3C traceparent: invalid headers start a new trace', () => {
  const cases: Array<[string, Headers]> = [
    ['version ff', { traceparent: `ff-${TRACE_ID}-${SPAN_ID}-01` }],
    ['all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }],
    ['all-zero span id', { traceparent: `00-${TRACE_ID}-${'0'.repeat(16)}-01` }],
    ['uppercase trace id', { traceparent: `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01` }],
    ['uppercase span id', { traceparent: `00-${TRACE_ID}-${SPAN_ID.toUpperCase()}-01` }],
    ['uppercase version', { traceparent: `0A-${TRACE_ID}-${SPAN_ID}-01` }],
    ['short trace id', { traceparent: `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01` }],
    ['long trace id', { traceparent: `00-${TRACE_ID}0-${SPAN_ID}-01` }],
    ['short span id', { traceparent: `00-${TRACE_ID}-${SPAN_ID.slice(1)}-01` }],
    ['long span id', { traceparent: `00-${TRACE_ID}-${SPAN_ID}0-01` }],
    ['one-digit flags', { traceparent: `00-${TRACE_ID}-${SPAN_ID}-1` }],
    ['three-digit version', { traceparent: `000-${TRACE_ID}-${SPAN_ID}-01` }],
    ['version 00 with an extra field', { traceparent: `${VALID}-extra` }],
    ['version 00 with a trailing dash', { traceparent: `${VALID}-` }],
    ['non-hex characters', { traceparent: `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01` }],
    ['wrong separators', { traceparent: VALID.replaceAll('-', '_') }],
    ['missing flags', { traceparent: `00-${TRACE_ID}-${SPAN_ID}` }],
    ['empty value', { traceparent: '' }],
    ['duplicated header (array)', { traceparent: [VALID, `00-${'a'.repeat(32)}-${SPAN_ID}-01`] }],
    ['duplicated header (identical values)', { traceparent: [VALID, VALID] }],
    ['duplicated header joined by a proxy', { traceparent: `${VALID}, ${VALID}` }],
    [
      'oversized (future version, 10 kB)',
      { traceparent: `cc-${TRACE_ID}-${SPAN_ID}-01-${'x'.repeat(10_000)}` },
    ],
  ];
  for (const [name, headers] of cases) {
    test(name, () => {
      assertNewTrace({ ...headers, tracestate: 'congo=t61rcWkgMzE' });
    });
  }

  test('no traceparent at all', () => {
    assertNewTrace({});
  });
});

describe('tracestate limits', () => {
  test('a tracestate longer than 512 characters is cut by whole entries from the end; the trace is continued', () => {
    const members = Array.from({ length: 40 }, (_, index) => `vendor${index}=${'v'.repeat(10)}`);
    assert.ok(members.join(',').length > 512);
    const { request, outgoing } = requestFor({ traceparent: VALID, tracestate: members.join(',') });
    assert.equal(request.traceId, TRACE_ID);
    // 40 members are discarded whole (over 32). The first 32 are 629 characters; the first 26
    // are 509 and 27 would be 529, so the last 6 go.
    const { outgoing: cut } = requestFor({ traceparent: VALID, tracestate: members.slice(0, 32).join(',') });
    assert.equal(members.slice(0, 26).join(',').length, 509);
    assert.equal(cut['tracestate'], members.slice(0, 26).join(','));
    assert.equal(outgoing['tracestate'], undefined, 'more than 32 members: the header is discarded');
  });
});

describe('the parent-id of outgoing calls', () => {
  test('each injectContext / propagationHeaders call gets its own parent-id, in the same trace', () => {
    runWithRequestContext({ headers: { traceparent: VALID } }, () => {
      const request = getRequestContext();
      const parents = [
        injectContext({} as Record<string, string>)['traceparent'],
        injectContext(new Headers()).get('traceparent') ?? undefined,
        propagationHeaders()['traceparent'],
        propagationHeaders('http')['traceparent'],
      ].map((traceparent) => {
        const [, traceId, callSpanId] = (traceparent ?? '').split('-');
        assert.equal(traceId, TRACE_ID);
        assertCallSpanId(callSpanId, request, SPAN_ID);
        return callSpanId;
      });
      assert.equal(new Set(parents).size, parents.length);
      assert.equal(getRequestContext().spanId, request.spanId, "the request's own span id is unchanged");
    });
  });

  test("a span active for the call (a tracer's, or one started inside the request) is the parent-id, as OTel does", () => {
    runWithRequestContext({ headers: { traceparent: VALID } }, () => {
      const inner = { traceId: TRACE_ID, spanId: 'abcdef0123456789', traceFlags: TraceFlags.SAMPLED };
      const ctx = trace.setSpanContext(context.active(), inner);
      for (let call = 0; call < 2; call++) {
        assert.equal(
          injectContext({} as Record<string, string>, ctx)['traceparent'],
          `00-${TRACE_ID}-abcdef0123456789-01`,
        );
        assert.equal(propagationHeaders('http', ctx)['traceparent'], `00-${TRACE_ID}-abcdef0123456789-01`);
      }
    });
  });

  test("captureContext and contextToEnv carry the request's own span id: a worker or a child continues the request", () => {
    runWithRequestContext({ headers: { traceparent: VALID, tracestate: 'congo=t61rcWkgMzE' } }, () => {
      const { spanId } = getRequestContext();
      assert.equal(captureContext().traceparent, `00-${TRACE_ID}-${spanId}-01`);
      assert.equal(captureContext().tracestate, 'congo=t61rcWkgMzE');
      assert.equal(contextToEnv()['TRACEPARENT'], `00-${TRACE_ID}-${spanId}-01`);
    });
  });

  test('outside a request, with no span active, nothing is injected', () => {
    assert.deepEqual(injectContext({} as Record<string, string>), {});
    assert.deepEqual(propagationHeaders(), {});
  });
});
