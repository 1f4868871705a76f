/*
 * The requirements the W3C Trace Context test suite checks (its `test/` folder), one test per
 * rule, written from the Trace Context Level 2 specification: a logweave service (Express, then
 * Fastify) receives the headers exactly as written here (over a raw socket: duplicates, casing
 * and whitespace as sent) and calls a capture server with `fetchWithContext`; the tests read
 * what the call carried. Section names are the specification's.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { fetchWithContext, getRequestContext, type Logging } from '../../src/index.ts';
import { logweaveExpress } from '../../integrations/express/index.ts';
import { logweaveFastify } from '../../integrations/fastify/index.ts';
import { memoryPipeline, type MemoryPipeline } from '../helpers/memory-pipeline.ts';
import { listen } from '../integration/support/http-fixtures.ts';

const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';
const SAMPLED = `00-${TRACE_ID}-${PARENT_ID}-01`;
const NOT_SAMPLED = `00-${TRACE_ID}-${PARENT_ID}-00`;

/** What one outgoing call carried. */
interface Call {
  traceparent: string[];
  /** Every tracestate header of the call, combined with "," as RFC 9110 says. */
  tracestate: string | undefined;
}

interface Traceparent {
  traceId: string;
  parentId: string;
  flags: number;
}

/** A version-00 traceparent as W3C says a vendor writes it ("traceparent Header Field Values"). */
function traceparentOf(call: Call): Traceparent {
  assert.equal(call.traceparent.length, 1, `one traceparent header, got ${JSON.stringify(call.traceparent)}`);
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(call.traceparent[0] ?? '');
  assert.ok(match !== null, `a valid version-00 traceparent, got ${call.traceparent[0]}`);
  const [, traceId = '', parentId = '', flags = ''] = match;
  assert.notEqual(traceId, '0'.repeat(32));
  assert.notEqual(parentId, '0'.repeat(16));
  return { traceId, parentId, flags: Number.parseInt(flags, 16) };
}

const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** The members of the outgoing tracestate, each checked against the grammar ("list-members"). */
function tracestateOf(call: Call): Map<string, string> {
  const members = new Map<string, string>();
  if (call.tracestate === undefined) return members;
  for (const member of call.tracestate.split(',')) {
    const trimmed = member.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    const key = trimmed.slice(0, equals);
    const value = trimmed.slice(equals + 1);
    assert.ok(
      equals > 0 && KEY.test(key) && VALUE.test(value),
      `a valid member, got ${JSON.stringify(member)}`,
    );
    assert.ok(!members.has(key), `key ${key} written once`);
    members.set(key, value);
  }
  assert.ok(members.size <= 32, 'at most 32 members');
  return members;
}

function rawHeaderValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]?.toLowerCase() === name) values.push(req.rawHeaders[index + 1] ?? '');
  }
  return values;
}

type Framework = 'express' | 'fastify';

for (const framework of ['express', 'fastify'] as const satisfies readonly Framework[]) {
  describe(`W3C Trace Context conformance through ${framework}`, () => {
    const captured = new Map<string, Call[]>();
    const serviceSpanIds = new Map<string, string>();
    let pipeline: MemoryPipeline;
    let logging: Logging;
    let capture: { url: string; close(): Promise<void> };
    let service: { port: number; close(): Promise<void> };
    let nextScope = 0;

    before(async () => {
      capture = await listen(
        createServer((req, res) => {
          const scope = (req.url ?? '').split('/')[2] ?? '';
          const tracestate = rawHeaderValues(req, 'tracestate');
          captured.set(scope, [
            ...(captured.get(scope) ?? []),
            {
              traceparent: rawHeaderValues(req, 'traceparent'),
              tracestate: tracestate.length === 0 ? undefined : tracestate.join(','),
            },
          ]);
          req.resume();
          req.on('end', () => res.end('{}'));
        }),
      );
      pipeline = memoryPipeline({
        serviceName: `w3c-${framework}`,
        batch: { scheduledDelayMillis: 600_000 },
      });
      logging = pipeline.logging;
      // The handler: call the capture server `calls` times, one after the other, as the suite asks.
      const handle = async (scope: string, calls: number): Promise<void> => {
        serviceSpanIds.set(scope, getRequestContext().spanId);
        logging.getLogger('w3c').info('calling', { 'test.scope': scope });
        for (let call = 0; call < calls; call++) {
          const response = await fetchWithContext(`${capture.url}/cb/${scope}/${call}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '[]',
          });
          await response.arrayBuffer();
        }
      };
      const query = (url: string): { scope: string; calls: number } => {
        const params = new URL(url, 'http://localhost').searchParams;
        return { scope: params.get('scope') ?? '', calls: Number(params.get('calls') ?? '1') };
      };
      if (framework === 'express') {
        const app = express();
        app.use(logweaveExpress(logging));
        app.post('/test', async (req, res) => {
          const { scope, calls } = query(req.originalUrl);
          await handle(scope, calls);
          res.json({ ok: true });
        });
        const server = await listen(createServer(app));
        service = { port: Number(new URL(server.url).port), close: server.close };
      } else {
        const app = Fastify();
        await app.register(logweaveFastify, { logging });
        app.post('/test', async (req) => {
          const { scope, calls } = query(req.url);
          await handle(scope, calls);
          return { ok: true };
        });
        await app.ready();
        const server = await listen(app.server);
        service = {
          port: Number(new URL(server.url).port),
          close: async () => {
            await app.close();
            await server.close();
          },
        };
      }
    });

    after(async () => {
      await service.close();
      await capture.close();
      await logging.shutdown();
    });

    /**
     * Sends `headers` as written (name, value; duplicates and all) to the service and returns
     * what each of its `calls` outgoing calls carried.
     */
    async function propagate(headers: ReadonlyArray<readonly [string, string]>, calls = 1): Promise<Call[]> {
      const scope = `s${nextScope++}`;
      const status = await new Promise<number>((resolve, reject) => {
        const socket = connect(service.port, '127.0.0.1');
        let received = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          received += chunk;
          if (!received.includes('\r\n\r\n')) return;
          socket.destroy();
          resolve(Number(received.split(' ')[1]));
        });
        socket.on('error', reject);
        socket.write(
          [
            `POST /test?scope=${scope}&calls=${calls} HTTP/1.1`,
            'Host: 127.0.0.1',
            'Connection: close',
            'Content-Length: 0',
            ...headers.map(([name, value]) => `${name}: ${value}`),
            '',
            '',
          ].join('\r\n'),
        );
      });
      assert.equal(status, 200);
      const made = captured.get(scope) ?? [];
      assert.equal(made.length, calls, 'the service made every call');
      return made;
    }

    async function propagateOne(headers: ReadonlyArray<readonly [string, string]>): Promise<Call> {
      const [call] = await propagate(headers);
      assert.ok(call !== undefined);
      return call;
    }

    /** A new trace: the call's trace id is none of `rejected`. */
    async function assertNewTrace(traceparent: string, ...rejected: string[]): Promise<void> {
      const { traceId } = traceparentOf(await propagateOne([['traceparent', traceparent]]));
      for (const id of [TRACE_ID, ...rejected]) assert.notEqual(traceId, id, `${traceparent}: a new trace`);
    }

    async function assertContinued(headers: ReadonlyArray<readonly [string, string]>): Promise<Traceparent> {
      const traceparent = traceparentOf(await propagateOne(headers));
      assert.equal(traceparent.traceId, TRACE_ID, `${JSON.stringify(headers)}: the trace continues`);
      return traceparent;
    }

    async function tracestateFor(...tracestate: string[]): Promise<Map<string, string>> {
      return tracestateOf(
        await propagateOne([
          ['traceparent', NOT_SAMPLED],
          ...tracestate.map((value) => ['tracestate', value] as const),
        ]),
      );
    }

    describe('traceparent', () => {
      test('no traceparent, no tracestate: a valid traceparent is still sent ("Mutating the traceparent Field")', async () => {
        traceparentOf(await propagateOne([]));
      });

      test('a valid traceparent: same trace id, a new parent-id ("Processing Model", step 4.1)', async () => {
        const { parentId } = await assertContinued([['traceparent', SAMPLED]]);
        assert.notEqual(parentId, PARENT_ID);
      });

      test('traceparent sent twice: ignored, a new trace', async () => {
        const { traceId } = traceparentOf(
          await propagateOne([
            ['traceparent', `00-${TRACE_ID.slice(0, 31)}1-${PARENT_ID}-01`],
            ['traceparent', SAMPLED],
          ]),
        );
        assert.notEqual(traceId, TRACE_ID);
        assert.notEqual(traceId, `${TRACE_ID.slice(0, 31)}1`);
      });

      test('a header named trace-parent or trace.parent is not traceparent ("Header Name")', async () => {
        for (const name of ['trace-parent', 'trace.parent']) {
          const { traceId } = traceparentOf(await propagateOne([[name, SAMPLED]]));
          assert.notEqual(traceId, TRACE_ID, name);
        }
      });

      test('the header name is case-insensitive ("Header Name")', async () => {
        for (const name of ['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT'])
          await assertContinued([[name, SAMPLED]]);
      });

      test('version 00 followed by anything after the flags: a new trace ("version-format")', async () => {
        await assertNewTrace(`${SAMPLED}.`);
        await assertNewTrace(`${SAMPLED}-what-the-future-will-be-like`);
      });

      test('a higher version is read by its version-00 fields ("Versioning of traceparent")', async () => {
        await assertContinued([['traceparent', `cc-${TRACE_ID}-${PARENT_ID}-01`]]);
        await assertContinued([
          ['traceparent', `cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`],
        ]);
        // The flags must be followed by the end or a dash.
        await assertNewTrace(`cc-${TRACE_ID}-${PARENT_ID}-01.what-the-future-will-be-like`);
      });

      test('version ff is invalid: a new trace ("version")', async () => {
        await assertNewTrace(`ff-${TRACE_ID}-${PARENT_ID}-01`);
      });

      test('a version with characters other than lowercase hex: a new trace', async () => {
        await assertNewTrace(`.0-${TRACE_ID}-${PARENT_ID}-01`);
        await assertNewTrace(`0.-${TRACE_ID}-${PARENT_ID}-01`);
      });

      test('a version longer than two characters: a new trace', async () => {
        await assertNewTrace(`000-${TRACE_ID}-${PARENT_ID}-01`);
        await assertNewTrace(`0000-${TRACE_ID}-${PARENT_ID}-01`);
      });

      test('a version shorter than two characters: a new trace', async () => {
        await assertNewTrace(`0-${TRACE_ID}-${PARENT_ID}-01`);
      });

      test('an all-zero trace-id is invalid: a new trace ("trace-id")', async () => {
        await assertNewTrace(`00-${'0'.repeat(32)}-${PARENT_ID}-01`, '0'.repeat(32));
      });

      test('a trace-id with characters other than lowercase hex: a new trace', async () => {
        await assertNewTrace(`00-.${TRACE_ID.slice(1)}-${PARENT_ID}-01`, `.${TRACE_ID.slice(1)}`);
        await assertNewTrace(`00-${TRACE_ID.slice(0, 31)}.-${PARENT_ID}-01`, `${TRACE_ID.slice(0, 31)}.`);
      });

      test('a trace-id longer than 32 characters: a new trace, not a part of it', async () => {
        await assertNewTrace(`00-${TRACE_ID}3-${PARENT_ID}-01`, `${TRACE_ID.slice(1)}3`);
      });

      test('a trace-id shorter than 32 characters: a new trace', async () => {
        await assertNewTrace(`00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`, TRACE_ID.slice(1));
      });

      test('an all-zero parent-id is invalid: a new trace ("parent-id")', async () => {
        await assertNewTrace(`00-${TRACE_ID}-${'0'.repeat(16)}-01`);
      });

      test('a parent-id with characters other than lowercase hex: a new trace', async () => {
        await assertNewTrace(`00-${TRACE_ID}-.${PARENT_ID.slice(1)}-01`);
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID.slice(0, 15)}.-01`);
      });

      test('a parent-id longer than 16 characters: a new trace', async () => {
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID}7-01`);
      });

      test('a parent-id shorter than 16 characters: a new trace', async () => {
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`);
      });

      test('trace-flags with characters other than lowercase hex: a new trace ("trace-flags")', async () => {
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID}-.0`);
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID}-0.`);
      });

      test('trace-flags longer than two characters: a new trace', async () => {
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID}-001`);
      });

      test('trace-flags shorter than two characters: a new trace', async () => {
        await assertNewTrace(`00-${TRACE_ID}-${PARENT_ID}-1`);
      });

      test('spaces and tabs around the value are not part of it (RFC 9110 field values)', async () => {
        for (const value of [
          ` ${SAMPLED}`,
          `\t${SAMPLED}`,
          `${SAMPLED} `,
          `${SAMPLED}\t`,
          `\t ${SAMPLED} \t`,
        ]) {
          await assertContinued([['traceparent', value]]);
        }
      });
    });

    describe('tracestate', () => {
      test('a tracestate without a traceparent is discarded ("Processing Model", no traceparent, step 3)', async () => {
        for (const tracestate of ['foo=1', 'foo=1,bar=2']) {
          const call = await propagateOne([['tracestate', tracestate]]);
          assert.equal(call.tracestate, undefined);
        }
      });

      test('a tracestate with a valid traceparent is carried on', async () => {
        const members = await tracestateFor('foo=1,bar=2');
        assert.deepEqual(
          [...members],
          [
            ['foo', '1'],
            ['bar', '2'],
          ],
        );
      });

      test('a header named trace-state or trace.state is not tracestate ("Header Name")', async () => {
        for (const name of ['trace-state', 'trace.state']) {
          const call = await propagateOne([
            ['traceparent', NOT_SAMPLED],
            [name, 'foo=1'],
          ]);
          assert.equal(tracestateOf(call).has('foo'), false, name);
        }
      });

      test('the header name is case-insensitive', async () => {
        for (const name of ['TraceState', 'TrAcEsTaTe', 'TRACESTATE']) {
          const call = await propagateOne([
            ['traceparent', NOT_SAMPLED],
            [name, 'foo=1'],
          ]);
          assert.equal(tracestateOf(call).get('foo'), '1', name);
        }
      });

      test('an empty header is accepted (and not sent); beside another header it changes nothing ("list")', async () => {
        const empty = await propagateOne([
          ['traceparent', NOT_SAMPLED],
          ['tracestate', ''],
        ]);
        assert.equal(traceparentOf(empty).traceId, TRACE_ID);
        assert.equal(empty.tracestate, undefined, 'vendors SHOULD avoid sending an empty tracestate');
        assert.deepEqual([...(await tracestateFor('foo=1', ''))], [['foo', '1']]);
        assert.deepEqual([...(await tracestateFor('', 'foo=1'))], [['foo', '1']]);
      });

      test('several tracestate headers are combined in order ("tracestate Header Field Values")', async () => {
        const members = await tracestateFor('foo=1,bar=2', 'rojo=1,congo=2', 'baz=3');
        assert.deepEqual([...members.keys()], ['foo', 'bar', 'rojo', 'congo', 'baz']);
      });

      test('a duplicated key does not discard the header; one of its entries is kept ("Mutating the tracestate Field")', async () => {
        for (const headers of [['foo=1,foo=1'], ['foo=1,foo=2'], ['foo=1', 'foo=1'], ['foo=1', 'foo=2']]) {
          const call = await propagateOne([
            ['traceparent', NOT_SAMPLED],
            ...headers.map((value) => ['tracestate', value] as const),
          ]);
          assert.equal(traceparentOf(call).traceId, TRACE_ID);
          assert.ok(['1', '2'].includes(tracestateOf(call).get('foo') ?? ''), JSON.stringify(headers));
        }
      });

      test('every character the grammar allows in keys and values is carried ("Key", "Value")', async () => {
        const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
        const value = Array.from({ length: 0x7e - 0x20 + 1 }, (_, index) => String.fromCharCode(0x20 + index))
          .filter((character) => character !== ',' && character !== '=')
          .join('');
        assert.equal((await tracestateFor(`${key}=${value}`)).get(key), value);
        const withAt = `${key}@a-z0-9_-*/`;
        assert.equal((await tracestateFor(`${withAt}=${value}`)).get(withAt), value);
      });

      test('spaces and tabs around members are ignored ("list")', async () => {
        for (const header of ['foo=1 \t , \t bar=2, \t baz=3', 'foo=1\t \t,\t \tbar=2,\t \tbaz=3']) {
          assert.deepEqual(
            [...(await tracestateFor(header))],
            [
              ['foo', '1'],
              ['bar', '2'],
              ['baz', '3'],
            ],
          );
        }
        for (const header of [' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t']) {
          assert.deepEqual([...(await tracestateFor(header))], [['foo', '1']], JSON.stringify(header));
        }
      });

      test('a key with a space, an uppercase letter or a dot is invalid: nothing of it is carried ("Key")', async () => {
        for (const header of ['foo =1', 'FOO=1', 'foo.bar=1']) {
          assert.equal((await tracestateFor(header)).size, 0, header);
        }
      });

      test('"@" may appear anywhere in a key but first; a key starting with "@" discards the header ("Key")', async () => {
        for (const key of ['foo@', 'foo@@bar', 'foo@bar@baz']) {
          assert.deepEqual(
            [...(await tracestateFor(`${key}=1,bar=2`))],
            [
              [key, '1'],
              ['bar', '2'],
            ],
          );
        }
        assert.equal((await tracestateFor('@foo=1,bar=2')).size, 0);
      });

      test('32 members are carried; 33 discard the header ("list": at most 32 list-members)', async () => {
        const members = Array.from(
          { length: 33 },
          (_, index) => `bar${String(index + 1).padStart(2, '0')}=${index + 1}`,
        );
        const split = (list: string[]): string[] =>
          [0, 10, 20, 30].map((start) => list.slice(start, start + 10).join(','));
        const kept = await tracestateFor(...split(members.slice(0, 32)));
        assert.equal(kept.size, 32);
        assert.equal(kept.get('bar01'), '1');
        assert.equal((await tracestateFor(...split(members))).size, 0);
      });

      test('a key of 256 characters is carried, one of 257 discards the header, "@" keys count whole ("Key")', async () => {
        for (const key of [
          'z'.repeat(256),
          `${'t'.repeat(241)}@${'v'.repeat(14)}`,
          `${'t'.repeat(242)}@v`,
          `t@${'v'.repeat(15)}`,
        ]) {
          const members = await tracestateFor('foo=1', `${key}=1`);
          assert.deepEqual(
            [...members],
            [
              ['foo', '1'],
              [key, '1'],
            ],
          );
        }
        assert.equal((await tracestateFor('foo=1', `${'z'.repeat(257)}=1`)).size, 0);
      });

      test('a value with "=" or an empty value discards the header ("Value")', async () => {
        assert.equal((await tracestateFor('foo=bar=baz')).size, 0);
        assert.equal((await tracestateFor('foo=,bar=3')).size, 0);
      });

      test('over 512 characters, whole entries go: those over 128 characters first, then from the end ("tracestate Limits")', async () => {
        // Members of exactly `length` characters: `kN=vvv…`.
        const member = (name: string, length: number): string =>
          `${name}=${'v'.repeat(length - name.length - 1)}`;
        const small = Array.from({ length: 10 }, (_, index) => member(`s${index}`, 60));
        // 7 small entries and a large one: 627 characters; removing the large one is enough.
        const withLarge = [small[0] ?? '', member('large', 200), ...small.slice(1, 7)];
        assert.deepEqual(
          [...(await tracestateFor(withLarge.join(','))).keys()],
          ['s0', 's1', 's2', 's3', 's4', 's5', 's6'],
        );
        // 10 small entries: 609 characters; the last two go (8 make 487).
        assert.deepEqual(
          [...(await tracestateFor(small.join(','))).keys()],
          ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'],
        );
        // Two large entries, 545 characters: only the right-most large one has to go.
        const twoLarge = [member('big1', 150), ...small.slice(0, 4), member('big2', 150)];
        const kept = await tracestateFor(twoLarge.join(','));
        assert.deepEqual([...kept.keys()], ['big1', 's0', 's1', 's2', 's3']);
        const call = await propagateOne([
          ['traceparent', NOT_SAMPLED],
          ['tracestate', small.join(',')],
        ]);
        assert.ok((call.tracestate ?? '').length <= 512);
      });
    });

    describe('several calls of one request', () => {
      /** Three calls: one trace, three different parent-ids, none of them the request's own span id. */
      async function assertParentPerCall(
        headers: ReadonlyArray<readonly [string, string]>,
      ): Promise<Traceparent[]> {
        const scope = `s${nextScope}`;
        const calls = (await propagate(headers, 3)).map(traceparentOf);
        assert.equal(new Set(calls.map((call) => call.traceId)).size, 1, 'one trace');
        assert.equal(new Set(calls.map((call) => call.parentId)).size, 3, 'a parent-id per call');
        const ownSpan = serviceSpanIds.get(scope);
        for (const call of calls) assert.notEqual(call.parentId, ownSpan, 'the call is not the request span');
        return calls;
      }

      test('with a valid traceparent: the trace is continued, each call has its own parent-id', async () => {
        const calls = await assertParentPerCall([['traceparent', SAMPLED]]);
        assert.equal(calls[0]?.traceId, TRACE_ID);
        for (const call of calls) assert.notEqual(call.parentId, PARENT_ID);
      });

      test('without a traceparent: each call has its own parent-id', async () => {
        await assertParentPerCall([]);
      });

      test('with an invalid traceparent: a new trace, each call has its own parent-id', async () => {
        const calls = await assertParentPerCall([['traceparent', `00-${'0'.repeat(32)}-${PARENT_ID}-01`]]);
        assert.notEqual(calls[0]?.traceId, '0'.repeat(32));
      });

      test("the request's records keep the request's span id, not a call's", async () => {
        const scope = `s${nextScope}`;
        const calls = (await propagate([['traceparent', SAMPLED]], 2)).map(traceparentOf);
        const record = (await pipeline.records()).find(
          (candidate) => candidate.attributes['test.scope'] === scope,
        );
        assert.equal(record?.spanContext?.spanId, serviceSpanIds.get(scope));
        assert.equal(record?.spanContext?.traceId, TRACE_ID);
        for (const call of calls) assert.notEqual(call.parentId, record?.spanContext?.spanId);
      });
    });

    describe('trace flags (Level 2)', () => {
      test('the random flag of an incoming traceparent is carried on ("Random Trace ID Flag")', async () => {
        const { parentId, flags } = await assertContinued([
          ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-02`],
        ]);
        assert.notEqual(parentId, PARENT_ID);
        assert.equal(flags & 0x02, 0x02);
      });

      test('a trace logweave starts is sampled and random (03): its trace id is random in all 16 bytes', async () => {
        assert.equal(traceparentOf(await propagateOne([])).flags, 0x03);
        assert.equal(
          traceparentOf(await propagateOne([['traceparent', `ff-${TRACE_ID}-${PARENT_ID}-01`]])).flags,
          0x03,
        );
      });

      test('a continued trace keeps the caller\'s random flag, set or not; undefined flags are cleared ("Other Flags")', async () => {
        for (const [incoming, outgoing] of [
          ['00', 0x00],
          ['01', 0x01],
          ['02', 0x02],
          ['03', 0x03],
          ['ff', 0x03],
          ['fc', 0x00],
        ] as const) {
          const { flags } = await assertContinued([
            ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-${incoming}`],
          ]);
          assert.equal(flags, outgoing, `incoming flags ${incoming}`);
        }
      });
    });
  });
}
