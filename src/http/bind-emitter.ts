import type { EventEmitter } from 'node:events';
import { context, type Context } from '@opentelemetry/api';

type Listener = (...args: unknown[]) => unknown;
type AddListener = (event: string | symbol, listener: Listener) => EventEmitter;

const ADD_METHODS = ['on', 'addListener', 'prependListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;

/**
 * Makes every listener added to `emitter` from now on run inside `ctx`.
 *
 * Why not `context.bind(ctx, emitter)`: the OTel HTTP instrumentation has already bound the
 * request and response to its own context (the server span without logweave's request
 * context), and the context manager binds an emitter only once. Its bound listeners would then
 * run body parsers' `data`/`end` callbacks without the request id. Wrapping here, on top of its
 * patch, puts logweave's context innermost, so it wins while the span stays the same.
 *
 * `once` goes through `on` (Node's `once` calls `this.on`), and removal by the original
 * listener keeps working: the wrappers are remembered per event and listener, and a `once`
 * wrapper keeps Node's `listener` back-reference.
 */
export function bindEmitterToContext(emitter: EventEmitter, ctx: Context): void {
  // A listener added n times has n wrappers; removal takes the newest, as Node removes the newest copy.
  const wrappedByEvent = new Map<string | symbol, WeakMap<Listener, Listener[]>>();
  const target = emitter as unknown as Record<string, unknown>;
  for (const method of ADD_METHODS) {
    const original = emitter[method] as AddListener;
    target[method] = function addBound(this: EventEmitter, event: string | symbol, listener: Listener) {
      if (typeof listener !== 'function') return original.call(this, event, listener);
      const wrapped = function boundListener(this: unknown, ...args: unknown[]): unknown {
        return context.with(ctx, listener, this, ...args);
      } as Listener & { listener?: unknown };
      const onceTarget = (listener as { listener?: unknown }).listener;
      if (onceTarget !== undefined) wrapped.listener = onceTarget;
      let wrappers = wrappedByEvent.get(event);
      if (wrappers === undefined) {
        wrappers = new WeakMap();
        wrappedByEvent.set(event, wrappers);
      }
      const copies = wrappers.get(listener);
      if (copies === undefined) wrappers.set(listener, [wrapped]);
      else copies.push(wrapped);
      return original.call(this, event, wrapped);
    };
  }
  for (const method of REMOVE_METHODS) {
    const original = emitter[method] as AddListener;
    target[method] = function removeBound(this: EventEmitter, event: string | symbol, listener: Listener) {
      const copies = wrappedByEvent.get(event)?.get(listener);
      const wrapped = copies?.pop();
      if (copies !== undefined && copies.length === 0) wrappedByEvent.get(event)?.delete(listener);
      return original.call(this, event, wrapped ?? listener);
    };
  }
}
