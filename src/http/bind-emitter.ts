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
 * listener keeps working: the wrapper is remembered per event, and a `once` wrapper keeps
 * Node's `listener` back-reference.
 */
export function bindEmitterToContext(emitter: EventEmitter, ctx: Context): void {
  const wrappedByEvent = new Map<string | symbol, WeakMap<Listener, Listener>>();
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
      wrappers.set(listener, wrapped);
      return original.call(this, event, wrapped);
    };
  }
  for (const method of REMOVE_METHODS) {
    const original = emitter[method] as AddListener;
    target[method] = function removeBound(this: EventEmitter, event: string | symbol, listener: Listener) {
      const wrapped = wrappedByEvent.get(event)?.get(listener);
      return original.call(this, event, wrapped ?? listener);
    };
  }
}
