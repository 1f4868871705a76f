import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context } from '@opentelemetry/api';
import {
  createLogging,
  getRequestContext,
  injectContext,
  runWithRequestContext,
  type Logging,
  type RequestContext,
} from '../../src/index.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const VALID = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let logging: Logging;
before(() => {
  logging = createLogging({ exporter: 'none', handleSignals: false, env: {} });
});
after(() => logging.shutdown());

type Headers = Record<string, string | string[]>;

function requestFor(
  headers: Headers,
  pipeline: Logging = logging,
): { request: RequestContext; outgoing: Record<string, string> } {
  // The pipeline's own settings (request-id header and cap), as its integrations use them.
  const created = pipeline.createRequestContext({ headers });
  return context.with(created.context, () => ({
    request: getRequestContext(),
    outgoing: injectContext({} as Record<string, string>),
  }));
}

function baggageEntries(outgoing: Record<string, string>): string[] {
  return outgoing['baggage'] === undefined ? [] : outgoing['baggage'].split(',');
}

describe('baggage limits (W3C Baggage: 64 members, 8192 bytes)', () => {
  test('at most 64 members are kept, the first ones', () => {
    const members = Array.from({ length: 200 }, (_, index) => `k${index}=v${index}`);
    const { outgoing } = requestFor({ baggage: members.join(',') });
    assert.deepEqual(baggageEntries(outgoing), members.slice(0, 64));
  });

  test('at most 8192 bytes are kept, cut between members', () => {
    const members = Array.from({ length: 20 }, (_, index) => `k${index}=${'v'.repeat(1000)}`);
    const { outgoing } = requestFor({ baggage: members.join(',') });
    const kept = baggageEntries(outgoing);
    assert.equal(kept.length, 8, '8 members of 1004-1005 bytes fit in 8192 bytes with their commas');
    assert.ok(Buffer.byteLength(outgoing['baggage'] ?? '') <= 8192);
    assert.deepEqual(kept, members.slice(0, 8));
  });

  test('duplicated baggage headers are combined, and the combined list is capped', () => {
    const headers = { baggage: Array.from({ length: 10_000 }, (_, index) => `dup${index}=1`) };
    const { outgoing } = requestFor(headers);
    assert.equal(baggageEntries(outgoing).length, 64);
    assert.equal(baggageEntries(outgoing)[0], 'dup0=1');
  });

  test('a 1 MB baggage header is bounded and malformed members are skipped without throwing', () => {
    const huge = `ok=1,%E0%A4%A=bad,=novalue,noequals,${'x'.repeat(1_000_000)}=1,last=2`;
    const { outgoing } = requestFor({ baggage: huge });
    assert.deepEqual(baggageEntries(outgoing), ['ok=1']);
  });

  test('baggage is read even when the traceparent is invalid', () => {
    const { request, outgoing } = requestFor({ traceparent: 'garbage', baggage: 'tenant=acme' });
    assert.notEqual(request.traceId, TRACE_ID);
    assert.deepEqual(baggageEntries(outgoing), ['tenant=acme']);
  });
});

describe('request id: allow-list and length cap', () => {
  test('a safe id is accepted and propagated', () => {
    for (const id of [
      'req-42',
      '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      'Root=1-5759e988/x:y=z+w.',
    ]) {
      const { request, outgoing } = requestFor({ 'x-request-id': id });
      assert.equal(request.requestId, id);
      assert.equal(outgoing['x-request-id'], id);
    }
  });

  const rejected: Array<[string, string | string[]]> = [
    ['CRLF header injection', 'abc\r\nSet-Cookie: session=stolen'],
    ['spaces', 'a b'],
    ['quotes and angle brackets', '"><script>alert(1)</script>'],
    ['ANSI escape', '\u001b[31mred'],
    ['non-ASCII', 'réq'],
    ['empty', ''],
    ['129 characters (default cap 128)', 'a'.repeat(129)],
    ['1 MB', 'a'.repeat(1_000_000)],
    ['duplicated header', ['req-1', 'req-2']],
    ['duplicated header joined by Node', 'req-1, req-2'],
  ];
  for (const [name, value] of rejected) {
    test(`${name}: replaced by a generated UUID, never echoed`, () => {
      const { request, outgoing } = requestFor({ 'x-request-id': value });
      assert.match(request.requestId, UUID);
      assert.equal(outgoing['x-request-id'], request.requestId);
    });
  }

  test('exactly 128 characters is accepted', () => {
    assert.equal(requestFor({ 'x-request-id': 'a'.repeat(128) }).request.requestId, 'a'.repeat(128));
  });

  test('the header name and length cap follow the requestId options', async () => {
    const custom = createLogging({
      exporter: 'none',
      handleSignals: false,
      env: {},
      requestId: { header: 'X-Correlation-Id', maxLength: 16 },
    });
    try {
      assert.equal(requestFor({ 'x-correlation-id': 'short-id' }, custom).request.requestId, 'short-id');
      assert.match(requestFor({ 'x-correlation-id': 'a'.repeat(17) }, custom).request.requestId, UUID);
      assert.match(requestFor({ 'x-request-id': 'short-id' }, custom).request.requestId, UUID);
    } finally {
      await custom.shutdown();
    }
  });

  test('the carrier form ({ requestId }) applies the same checks', () => {
    const accepted = runWithRequestContext({ requestId: 'job-7' }, () => getRequestContext().requestId);
    assert.equal(accepted, 'job-7');
    const replaced = runWithRequestContext({ requestId: 'x\ny' }, () => getRequestContext().requestId);
    assert.match(replaced, UUID);
  });
});

describe('many and very large headers', () => {
  test('10,000 duplicated traceparent headers start a new trace quickly and safely', () => {
    const { request } = requestFor({ traceparent: Array.from({ length: 10_000 }, () => VALID) });
    assert.notEqual(request.traceId, TRACE_ID);
  });

  test('1 MB traceparent and tracestate headers are ignored', () => {
    const { request, outgoing } = requestFor({
      traceparent: `${VALID}-${'a'.repeat(1_000_000)}`,
      tracestate: `a=${'b'.repeat(1_000_000)}`,
    });
    assert.notEqual(request.traceId, TRACE_ID);
    assert.equal(outgoing['tracestate'], undefined);
  });

  test('a 1 MB tracestate with a valid traceparent continues the trace without the tracestate', () => {
    const { request, outgoing } = requestFor({
      traceparent: VALID,
      tracestate: `a=${'b'.repeat(1_000_000)}`,
    });
    assert.equal(request.traceId, TRACE_ID);
    assert.equal(outgoing['tracestate'], undefined);
  });

  test('a fetch Headers object is read the same way', () => {
    const headers = new Headers({ traceparent: VALID, 'x-request-id': 'from-fetch', baggage: 'a=1' });
    const request = runWithRequestContext({ headers }, () => getRequestContext());
    assert.equal(request.traceId, TRACE_ID);
    assert.equal(request.requestId, 'from-fetch');
  });

  test('createRequestContext builds the same context without entering it', () => {
    const { request } = logging.createRequestContext({
      headers: { traceparent: VALID, 'x-request-id': 'x y' },
    });
    assert.equal(request.traceId, TRACE_ID);
    assert.match(request.requestId, UUID);
  });
});
