import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { context, createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { ensureContextManager } from '../../src/context/context-manager.ts';
import { bindEmitterToContext } from '../../src/http/bind-emitter.ts';

const KEY = createContextKey('bind-emitter-test');
const named = (name: string, parent: Context = ROOT_CONTEXT): Context => parent.setValue(KEY, name);
/** The name of the active context (what a listener sees). */
const seen = (): unknown => context.active().getValue(KEY);
/** Emits from a context of its own, as a socket callback would: a listener sees it unless bound. */
const emitFrom = (emitter: EventEmitter, event: string, ...args: unknown[]): boolean =>
  context.with(named('emitter side'), () => emitter.emit(event, ...args));

before(() => {
  ensureContextManager();
});

/** The same contract on each kind of emitter: a bare one, a stream, and Node's HTTP classes (fast path). */
const KINDS: ReadonlyArray<[string, () => EventEmitter]> = [
  ['a bare EventEmitter', () => new EventEmitter()],
  ['a Readable', () => new Readable({ read() {} })],
  ['an IncomingMessage (patched prototype)', () => new IncomingMessage(new Socket())],
  ['a ServerResponse (patched prototype)', () => new ServerResponse(new IncomingMessage(new Socket()))],
];

for (const [kind, make] of KINDS) {
  describe(`bindEmitterToContext on ${kind}`, () => {
    test('listeners added afterwards run in the bound context, with this, arguments and order kept', () => {
      const emitter = make();
      bindEmitterToContext(emitter, named('request'));
      const calls: unknown[] = [];
      emitter.on('x', function (this: unknown, ...args: unknown[]) {
        calls.push(['on', seen(), this === emitter, args]);
      });
      emitter.addListener('x', () => calls.push(['addListener', seen()]));
      emitter.prependListener('x', () => calls.push(['prependListener', seen()]));
      emitFrom(emitter, 'x', 1, 'two');
      assert.deepEqual(calls, [
        ['prependListener', 'request'],
        ['on', 'request', true, [1, 'two']],
        ['addListener', 'request'],
      ]);
    });

    test('listeners added before binding keep running where the event is emitted', () => {
      const emitter = make();
      const calls: unknown[] = [];
      emitter.on('x', () => calls.push(seen()));
      bindEmitterToContext(emitter, named('request'));
      emitFrom(emitter, 'x');
      assert.deepEqual(calls, ['emitter side']);
    });

    test('once and prependOnceListener: in the context, at most once, gone before they run', () => {
      const emitter = make();
      bindEmitterToContext(emitter, named('request'));
      const calls: unknown[] = [];
      emitter.once('x', () => calls.push(['once', seen(), emitter.listenerCount('x')]));
      emitter.prependOnceListener('x', () => calls.push(['prependOnce', seen()]));
      emitFrom(emitter, 'x');
      emitFrom(emitter, 'x');
      assert.deepEqual(calls, [
        ['prependOnce', 'request'],
        ['once', 'request', 0],
      ]);
      assert.equal(emitter.listenerCount('x'), 0);
    });

    test('removeListener and off take the listener as it was added', () => {
      const emitter = make();
      bindEmitterToContext(emitter, named('request'));
      const calls: string[] = [];
      const onX = (): number => calls.push('on');
      const onceX = (): number => calls.push('once');
      const offX = (): number => calls.push('off');
      emitter.on('x', onX);
      emitter.once('x', onceX);
      emitter.on('x', offX);
      assert.equal(emitter.listenerCount('x'), 3);
      emitter.removeListener('x', onX);
      emitter.removeListener('x', onceX);
      emitter.off('x', offX);
      assert.equal(emitter.listenerCount('x'), 0);
      emitFrom(emitter, 'x');
      assert.deepEqual(calls, []);
    });

    test('a listener added twice is removed one copy at a time, as Node does', () => {
      const emitter = make();
      bindEmitterToContext(emitter, named('request'));
      const calls: unknown[] = [];
      const listener = (): number => calls.push(seen());
      emitter.on('x', listener);
      emitter.on('x', listener);
      emitter.removeListener('x', listener);
      emitFrom(emitter, 'x');
      assert.deepEqual(calls, ['request'], 'one copy left');
      emitter.removeListener('x', listener);
      emitFrom(emitter, 'x');
      assert.deepEqual(calls, ['request']);
    });

    test('listeners() and listenerCount(event, listener) still name the listeners as they were added', () => {
      const emitter = make();
      bindEmitterToContext(emitter, named('request'));
      const onX = (): void => undefined;
      const onceX = (): void => undefined;
      emitter.on('x', onX);
      emitter.once('x', onceX);
      assert.deepEqual(emitter.listeners('x'), [onX, onceX]);
      assert.deepEqual([emitter.listenerCount('x', onX), emitter.listenerCount('x', onceX)], [1, 1]);
    });

    test('a listener that is not a function is refused as Node refuses it', () => {
      const emitter = make();
      bindEmitterToContext(emitter, named('request'));
      assert.throws(() => emitter.on('x', 'not a function' as never), { code: 'ERR_INVALID_ARG_TYPE' });
    });
  });
}

describe('bindEmitterToContext: binding is per instance', () => {
  test('another instance of the same class is not affected (fast path)', () => {
    const bound = new IncomingMessage(new Socket());
    const other = new IncomingMessage(new Socket());
    bindEmitterToContext(bound, named('request'));
    const calls: unknown[] = [];
    bound.on('x', () => calls.push(['bound', seen()]));
    other.on('x', () => calls.push(['other', seen()]));
    emitFrom(bound, 'x');
    emitFrom(other, 'x');
    assert.deepEqual(calls, [
      ['bound', 'request'],
      ['other', 'emitter side'],
    ]);
  });

  test('an instance already bound by someone else (the OTel context manager) gets logweave’s context innermost', () => {
    for (const make of [() => new EventEmitter(), () => new IncomingMessage(new Socket())]) {
      const emitter = make();
      // What the HTTP instrumentation does with the server span's context.
      context.bind(named('span'), emitter);
      bindEmitterToContext(emitter, named('request'));
      const calls: unknown[] = [];
      const listener = (): number => calls.push(seen());
      emitter.on('x', listener);
      emitFrom(emitter, 'x');
      emitter.removeListener('x', listener);
      emitFrom(emitter, 'x');
      assert.deepEqual(calls, ['request'], emitter.constructor.name);
    }
  });

  test('binding again replaces the context on the fast path', () => {
    const request = new IncomingMessage(new Socket());
    bindEmitterToContext(request, named('first'));
    bindEmitterToContext(request, named('second'));
    const calls: unknown[] = [];
    request.on('x', () => calls.push(seen()));
    emitFrom(request, 'x');
    assert.deepEqual(calls, ['second']);
  });
});

describe('bindEmitterToContext on a flowing Readable', () => {
  test('data and end listeners see the context while the data is pushed from elsewhere', async () => {
    const stream = new Readable({ read() {} });
    bindEmitterToContext(stream, named('request'));
    const calls: unknown[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => calls.push(['data', chunk.toString(), seen()]));
      stream.once('end', () => {
        calls.push(['end', seen()]);
        resolve();
      });
    });
    context.with(named('socket'), () => {
      setImmediate(() => {
        stream.push('a');
        stream.push('b');
        stream.push(null);
      });
    });
    await ended;
    assert.deepEqual(calls, [
      ['data', 'a', 'request'],
      ['data', 'b', 'request'],
      ['end', 'request'],
    ]);
  });
});
