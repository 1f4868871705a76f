import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Logging } from '../../src/index.ts';
import { memoryPipeline, type MemoryPipeline } from '../helpers/memory-pipeline.ts';
import { FUZZ_SEED } from './secret-corpus.ts';

const RUNS = 10_000;

/** Per-record bounds the normalisation promises (README "Limits"), with room for markers. */
const MAX_STRING_LENGTH = 8192;
const MAX_DEPTH = 9;
const MAX_TOTAL_CHARS = 262_144 + 64 * 2048;
const MAX_NODES = 2048 + 2 * 129 * 9;

/** Values that trip naive serialisers: cycles, getters that throw, proxies, exotic types. */
const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.bigInt(),
  fc.constantFrom(
    Symbol('s'),
    () => 1,
    function named() {},
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    -0,
    new Date(Number.NaN),
    null,
    undefined,
  ),
  fc.date(),
  fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 30 }),
  // Strings around the value length limit, with surrogate pairs straddling it.
  fc
    .tuple(fc.integer({ min: 8180, max: 8200 }), fc.constantFrom('😀', '€', 'a', '\u{10FFFF}'))
    .map(([length, tail]) => 'x'.repeat(length) + tail.repeat(8)),
  fc.constant(0).map(() => {
    const error = new Error('outer', { cause: new TypeError('inner') });
    return error;
  }),
  fc.constant(0).map(() => {
    const looping = new Error('loop');
    (looping as { cause?: unknown }).cause = looping;
    return looping;
  }),
  fc.constant(0).map(() => ({
    ok: 1,
    get boom(): never {
      throw new Error('getter');
    },
  })),
  fc.constant(0).map(() => ({
    toJSON: () => {
      throw new Error('toJSON');
    },
  })),
  fc.constant(0).map(() => Object.assign(Object.create(null) as object, { bare: true })),
  fc.constant(0).map(() => ({ [Symbol('hidden')]: 1, shown: 2 })),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withObjectString: true,
      maxDepth: 2,
    }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 5 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => new Set(items)),
  ),
})).value;

/** Sometimes makes the value cyclic, or very deep, or very wide. */
const shapedValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 20, arbitrary: hostileValue },
  {
    weight: 1,
    arbitrary: hostileValue.map((value) => {
      const holder: Record<string, unknown> = { value };
      holder['self'] = holder;
      if (typeof value === 'object' && value !== null && Object.isExtensible(value)) {
        try {
          (value as Record<string, unknown>)['back'] = holder;
        } catch {
          // A frozen or exotic object: the holder's own cycle is enough.
        }
      }
      return holder;
    }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10, max: 300 }).map((depth) => {
      let node: unknown = 'leaf';
      for (let level = 0; level < depth; level++) node = level % 2 === 0 ? { child: node } : [node];
      return node;
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 5000 })
      .map((width) => Array.from({ length: width }, (_, index) => ({ index, text: 'y' }))),
  },
);

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
  revoke();
  return proxy;
}

function throwingProxy(): object {
  return new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('ownKeys');
      },
    },
  );
}

let memory: MemoryPipeline;
let logging: Logging;
before(() => {
  memory = memoryPipeline({ batch: { scheduledDelayMillis: 600_000 } });
  logging = memory.logging;
});
after(() => logging.shutdown());

interface Measure {
  nodes: number;
  chars: number;
  depth: number;
}

function measure(value: unknown, depth: number, into: Measure): void {
  into.nodes++;
  into.depth = Math.max(into.depth, depth);
  if (typeof value === 'string') {
    assert.ok(value.length <= MAX_STRING_LENGTH, `string of ${value.length} characters`);
    into.chars += value.length;
    return;
  }
  assert.ok(
    value === null || ['number', 'boolean'].includes(typeof value) || typeof value === 'object',
    `only OTel AnyValues come out, not ${typeof value}`,
  );
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const item of value) measure(item, depth + 1, into);
    return;
  }
  assert.equal(Object.getPrototypeOf(value), Object.prototype, 'maps are plain objects');
  for (const key of Object.keys(value)) measure((value as Record<string, unknown>)[key], depth + 1, into);
}

function wellFormedWhereTruncated(value: unknown): void {
  if (typeof value === 'string') {
    // Generated text never ends in half a surrogate pair, so one at the end was made by a cut.
    assert.ok(!/[\ud800-\udbff]$/.test(value) || value.length < 8000, 'a cut never splits a surrogate pair');
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const item of Object.values(value)) wellFormedWhereTruncated(item);
  }
}

describe('attribute normalisation under arbitrary values (fast-check)', () => {
  test(`${RUNS} hostile attribute objects: no throw, one record each, bounded output, no pollution`, async () => {
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join();
    const log = logging.getLogger('fuzz.attributes');
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 10 }), shapedValue, { maxKeys: 6 }),
        shapedValue,
        async (attributes, error) => {
          memory.clear();
          // Proxies are added here, not generated: fast-check itself cannot inspect a revoked proxy.
          log.info('m', {
            ...attributes,
            revoked: revokedProxy(),
            trap: throwingProxy(),
            nested: { inner: revokedProxy() },
          });
          log.warn('w', { err: error, extra: attributes });
          const records = await memory.records();
          assert.equal(records.length, 2, 'no record was lost');
          for (const record of records) {
            const size: Measure = { nodes: 0, chars: 0, depth: 0 };
            measure(record.attributes, 0, size);
            measure(record.body, 0, size);
            assert.ok(size.depth <= MAX_DEPTH, `depth ${size.depth}`);
            assert.ok(size.nodes <= MAX_NODES, `nodes ${size.nodes}`);
            assert.ok(size.chars <= MAX_TOTAL_CHARS, `characters ${size.chars}`);
            wellFormedWhereTruncated(record.attributes);
          }
          assert.equal(
            typeof records[1]?.attributes['exception.message'],
            'string',
            '{ err } always yields exception.message',
          );
        },
      ),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
    assert.deepEqual(memory.diagnostics, [], 'no internal error was reported');
    assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(), prototypeBefore);
  });
});
