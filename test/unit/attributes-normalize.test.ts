import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Logging, LoggingOptions } from '../../src/index.ts';
import { collect } from '../helpers/memory-pipeline.ts';

async function capture(
  emit: (logging: Logging) => void,
  options: LoggingOptions = {},
): Promise<ReadableLogRecord[]> {
  const { records, diagnostics } = await collect(emit, options);
  assert.deepEqual(diagnostics, [], 'no internal error was reported');
  return records;
}

async function attributesOf(
  value: Record<string, unknown>,
  options?: LoggingOptions,
): Promise<Record<string, unknown>> {
  const records = await capture((logging) => logging.getLogger('t').info('m', value), options);
  assert.equal(records.length, 1, 'the record was emitted');
  return records[0]?.attributes as Record<string, unknown>;
}

function isWellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text && !/[\ud800-\udbff]$/.test(text);
}

describe('attribute normalisation: awkward values never throw and keep their meaning', () => {
  test('BigInt, Buffer, Map, Set, Date, symbol, function, NaN', async () => {
    const attributes = await attributesOf({
      big: 2n ** 70n,
      bytes: Buffer.from('hi'),
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, 'two'],
      ]),
      set: new Set(['x', 'y']),
      date: new Date(Date.UTC(2026, 0, 2)),
      badDate: new Date(Number.NaN),
      sym: Symbol('tag'),
      fn: function handler() {},
      arrow: () => {},
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      nothing: null,
      absent: undefined,
    });
    assert.equal(attributes['big'], '1180591620717411303424');
    assert.deepEqual(Buffer.from(attributes['bytes'] as Uint8Array).toString(), 'hi');
    assert.deepEqual(attributes['map'], { a: 1, '2': 'two' });
    assert.deepEqual(attributes['set'], ['x', 'y']);
    assert.equal(attributes['date'], '2026-01-02T00:00:00.000Z');
    assert.equal(attributes['badDate'], 'Invalid Date');
    assert.equal(attributes['sym'], 'Symbol(tag)');
    assert.equal(attributes['fn'], '[Function handler]');
    assert.equal(attributes['arrow'], '[Function arrow]');
    assert.equal(attributes['nan'], 'NaN');
    assert.equal(attributes['inf'], 'Infinity');
    assert.equal(attributes['nothing'], null);
    assert.equal(Object.hasOwn(attributes, 'absent'), false);
  });

  test('cycles become "[Circular]"; shared (non-cyclic) references are kept', async () => {
    const shared = { id: 1 };
    const cyclic: Record<string, unknown> = { name: 'root', shared, again: shared };
    cyclic['self'] = cyclic;
    const list: unknown[] = [1];
    list.push(list);
    const attributes = await attributesOf({ cyclic, list });
    assert.deepEqual(attributes['cyclic'], {
      name: 'root',
      shared: { id: 1 },
      again: { id: 1 },
      self: '[Circular]',
    });
    assert.deepEqual(attributes['list'], [1, '[Circular]']);
  });

  test('an Error with a cause chain (and a cyclic cause) as an attribute value', async () => {
    const root = new Error('disk full');
    const error = new Error('save failed', { cause: root });
    const loop = new Error('loop');
    (loop as { cause?: unknown }).cause = loop;
    const attributes = await attributesOf({ error, loop });
    const converted = attributes['error'] as Record<string, unknown>;
    assert.equal(converted['type'], 'Error');
    assert.equal(converted['message'], 'save failed');
    assert.match(String(converted['stack']), /save failed/);
    assert.equal((converted['cause'] as Record<string, unknown>)['message'], 'disk full');
    assert.equal((attributes['loop'] as Record<string, unknown>)['cause'], '[Circular]');
  });

  test('error(message, err) appends the cause chain to exception.stacktrace', async () => {
    const records = await capture((logging) =>
      logging.getLogger('t').error('failed', new Error('outer', { cause: new TypeError('inner') })),
    );
    const stack = String(records[0]?.attributes['exception.stacktrace']);
    assert.match(stack, /Error: outer[\s\S]*Caused by: TypeError: inner/);
  });

  test('throwing getters, throwing toJSON and revoked proxies become markers; the rest is kept', async () => {
    const hostile = {
      ok: 1,
      get boom(): never {
        throw new Error('getter');
      },
    };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const attributes = await attributesOf({
      hostile,
      badJson: {
        toJSON: () => {
          throw new Error('toJSON');
        },
      },
      proxy,
      url: new URL('https://example.com/a?b=1'),
    });
    assert.deepEqual(attributes['hostile'], { ok: 1, boom: '[Unserializable]' });
    assert.equal(attributes['badJson'], '[Unserializable]');
    assert.equal(attributes['proxy'], '[Unserializable]');
    assert.equal(
      attributes['url'],
      'https://example.com/a?b=1',
      'toJSON is honoured as JSON.stringify would',
    );
  });

  test('a revoked proxy as the attributes object itself does not lose the record', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const records = await capture((logging) => logging.getLogger('t').info('still here', proxy));
    assert.equal(records[0]?.body, 'still here');
  });
});

describe('attribute limits', () => {
  test('string values are cut at the value length limit (default 8192), never inside a surrogate pair', async () => {
    const long = `${'a'.repeat(8191)}😀tail`;
    const attributes = await attributesOf({ long, short: 'ok' });
    assert.equal(attributes['long'], 'a'.repeat(8191), 'the emoji would straddle the limit: dropped whole');
    assert.equal(attributes['short'], 'ok');
  });

  test('a configured lower limit (applied by the SDK) never leaves half a surrogate pair', async () => {
    const attributes = await attributesOf(
      { emoji: 'abcd😀😀', nested: { deep: ['abcd😀'] } },
      { limits: { attributeValueLengthLimit: 5 } },
    );
    assert.equal(attributes['emoji'], 'abcd');
    assert.deepEqual(attributes['nested'], { deep: ['abcd'] });
    for (const text of [attributes['emoji'], 'abcd']) assert.ok(isWellFormed(String(text)));
  });

  test('the attribute count limit drops extra top-level attributes and counts them', async () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`k${index}`, index]));
    const records = await capture((logging) => logging.getLogger('t').info('m', many));
    assert.equal(Object.keys(records[0]?.attributes ?? {}).length, 128);
    assert.equal(records[0]?.droppedAttributesCount, 72);
  });

  test('nesting deeper than 8 levels becomes "[Object]"', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 50; level++) deep = { child: deep };
    const attributes = await attributesOf({ deep });
    let node = attributes['deep'];
    let depth = 1;
    while (typeof node === 'object' && node !== null) {
      node = (node as Record<string, unknown>)['child'];
      depth++;
    }
    assert.equal(node, '[Object]');
    assert.equal(depth, 9);
  });

  test('collections keep 128 entries and say how many more there were', async () => {
    const attributes = await attributesOf({
      list: Array.from({ length: 1000 }, (_, index) => index),
      map: Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`k${index}`, index])),
    });
    const list = attributes['list'] as unknown[];
    assert.equal(list.length, 129);
    assert.equal(list[128], '[872 more items]');
    const map = attributes['map'] as Record<string, unknown>;
    assert.equal(Object.keys(map).length, 129);
    assert.equal(map['[truncated]'], '172 more entries');
  });

  test('a huge value is bounded overall (values and characters per record)', async () => {
    const wide = Array.from({ length: 128 }, () => Array.from({ length: 128 }, () => 'x'.repeat(8192)));
    const attributes = await attributesOf({ wide });
    const size = JSON.stringify(attributes).length;
    assert.ok(size < 400_000, `normalised size ${size} stays within the per-record budget`);
  });

  test('the body is cut at 65536 UTF-8 bytes on a character boundary', async () => {
    const body = '€'.repeat(30_000) + '😀'.repeat(10);
    const records = await capture((logging) => logging.getLogger('t').info(body));
    const kept = String(records[0]?.body);
    assert.ok(Buffer.byteLength(kept) <= 65_536);
    assert.ok(Buffer.byteLength(kept) > 65_530, 'nothing more than a partial character is lost');
    assert.ok(isWellFormed(kept));
    assert.ok(body.startsWith(kept));
  });
});

describe('prototype-polluting keys', () => {
  test('__proto__, constructor and prototype are kept visibly and pollute nothing', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const input = JSON.parse(
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},' +
        '"nested":{"__proto__":{"isAdmin":true},"constructor":"c","prototype":"p","[__proto__]":"taken"}}',
    ) as Record<string, unknown>;
    const attributes = await attributesOf(input);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined);
    assert.equal(
      Object.getPrototypeOf(attributes),
      Object.prototype,
      'the attributes object keeps its prototype',
    );
    assert.deepEqual(Object.keys(attributes).sort(), ['[__proto__]', '[constructor]', 'nested']);
    assert.deepEqual({ ...(attributes['[__proto__]'] as object) }, { polluted: 'yes' });
    assert.deepEqual(JSON.parse(JSON.stringify(attributes['[constructor]'])), {
      '[prototype]': { polluted: 'yes' },
    });
    const nested = attributes['nested'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(nested).sort(), [
      '[[__proto__]]',
      '[__proto__]',
      '[constructor]',
      '[prototype]',
    ]);
    assert.equal(nested['[constructor]'], 'c');
    assert.equal(nested['[prototype]'], 'p');
    assert.equal(
      nested['[__proto__]'] === 'taken' || nested['[[__proto__]]'] === 'taken',
      true,
      'no entry replaced another',
    );
  });

  test('child() bindings with a __proto__ key pollute nothing', async () => {
    const records = await capture((logging) =>
      logging
        .getLogger('t')
        .child(JSON.parse('{"__proto__":{"bound":1}}') as Record<string, unknown>)
        .info('m'),
    );
    assert.equal(({} as Record<string, unknown>)['bound'], undefined);
    assert.deepEqual({ ...(records[0]?.attributes['[__proto__]'] as object) }, { bound: 1 });
  });
});
