import type { EventEmitter } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { context, type Context } from '@opentelemetry/api';

type Listener = (...args: unknown[]) => unknown;
type EmitterMethod = (this: EventEmitter, event: string | symbol, listener: Listener) => EventEmitter;
type Bindable = EventEmitter & { [BOUND_CONTEXT]?: Context };
type BoundAdd = (
  emitter: EventEmitter,
  ctx: Context,
  event: string | symbol,
  listener: Listener,
) => EventEmitter;

/** Where a bound request or response keeps its context (read by the patched prototype methods). */
const BOUND_CONTEXT = Symbol('logweave.boundContext');

const ADD_METHODS = ['on', 'addListener', 'prependListener'] as const;
const ONCE_METHODS = { once: 'on', prependOnceListener: 'prependListener' } as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;
const PATCHED_NAMES: readonly string[] = [...ADD_METHODS, ...Object.keys(ONCE_METHODS)];

/**
 * Makes every listener added to `emitter` from now on run inside `ctx`: the request's body
 * parsers' `data`/`end` callbacks, on-finished, compression. Those run in the socket's async
 * context, where AsyncLocalStorage has lost the request.
 *
 * Fast path (a plain `IncomingMessage` / `ServerResponse`): the methods that add listeners are
 * patched once on those two prototypes and read the context from a symbol on the instance;
 * binding a request is one property store, and only listeners that are actually added pay for a
 * wrapper. Patching each instance instead (five closures, a Map and a WeakMap per listener
 * kind) was most of the integration's cost: Fastify + logweave went from 47 to 24 µs of server
 * CPU per request, GC from 16 % to 3 % of its profile (`bench/http-cases.ts`, BENCHMARKS.md).
 *
 * Slow path (the instance already has its own `on`, e.g. the OTel HTTP instrumentation bound it
 * to the server span's context, or an emitter of another class): the instance is patched on top
 * of what it has. `context.bind(ctx, emitter)` would not do: the context manager binds an emitter
 * only once, and its wrappers, being innermost, would run body parsers without logweave's
 * request context. Wrapping on top puts logweave's context innermost, so it wins while the span
 * stays the same.
 */
export function bindEmitterToContext(emitter: EventEmitter, ctx: Context): void {
  const bindable = emitter as Bindable;
  if (usesPatchedPrototype(bindable)) bindable[BOUND_CONTEXT] = ctx;
  else bindInstance(bindable, ctx);
}

// ---- fast path: the prototypes of Node's HTTP server request and response ----

const patchedPrototypes = new Set<object>();
const patchedMethods = new Set<unknown>();

function usesPatchedPrototype(emitter: Bindable): boolean {
  const proto =
    emitter instanceof IncomingMessage
      ? IncomingMessage.prototype
      : emitter instanceof ServerResponse
        ? ServerResponse.prototype
        : undefined;
  if (proto === undefined) return false;
  if (!patchedPrototypes.has(proto)) patchPrototype(proto);
  // Someone's own per-instance methods (an instrumentation's bind) shadow the prototype's.
  const methods = emitter as unknown as Record<string, unknown>;
  return PATCHED_NAMES.every((name) => patchedMethods.has(methods[name]));
}

/**
 * Defines `on`/`addListener`/`prependListener`/`once`/`prependOnceListener` on `proto`. Without
 * a bound context they call what the prototype chain had (looked up per call, so a later patch of
 * a parent prototype, e.g. by an APM agent, is still honoured). With one, the listener is wrapped;
 * the wrapper's `listener` property names the original, which is how Node's own `once` wrappers
 * are found, so `removeListener(original)`, `listeners()` and `listenerCount(e, original)` work
 * unchanged and no removal method needs patching.
 */
function patchPrototype(proto: object): void {
  patchedPrototypes.add(proto);
  const target = proto as Record<string, unknown>;
  const inherited = (method: string): EmitterMethod => {
    const own = Object.getOwnPropertyDescriptor(proto, method)?.value as EmitterMethod | undefined;
    if (own !== undefined) return own;
    const parent = Object.getPrototypeOf(proto) as Record<string, EmitterMethod>;
    return function callParent(this: EventEmitter, event, listener) {
      return parent[method]!.call(this, event, listener);
    };
  };
  // Defines `method` on the prototype: unbound emitters get the inherited method untouched, bound
  // ones `inContext`, built from it. Returns the inherited method.
  const patch = (method: string, inContext: (original: EmitterMethod) => BoundAdd): EmitterMethod => {
    const original = inherited(method);
    const addBound = inContext(original);
    const patched = function addListenerInContext(
      this: Bindable,
      event: string | symbol,
      listener: Listener,
    ): EventEmitter {
      const ctx = this[BOUND_CONTEXT];
      if (ctx === undefined || typeof listener !== 'function') return original.call(this, event, listener);
      return addBound(this, ctx, event, listener);
    };
    patchedMethods.add(patched);
    Object.defineProperty(target, method, { value: patched, writable: true, configurable: true });
    return original;
  };
  const originals = new Map<string, EmitterMethod>();
  for (const method of ADD_METHODS) {
    const original = patch(
      method,
      (add) => (emitter, ctx, event, listener) => add.call(emitter, event, wrapListener(ctx, listener)),
    );
    originals.set(method, original);
  }
  for (const [method, addMethod] of Object.entries(ONCE_METHODS)) {
    // The once wrapper goes straight to the unpatched add method: through `this.on` it would be wrapped twice.
    const add = originals.get(addMethod)!;
    patch(
      method,
      () => (emitter, ctx, event, listener) =>
        add.call(emitter, event, wrapOnceListener(emitter, ctx, event, listener)),
    );
  }
}

/** `listener` run inside `ctx`, carrying the original as Node's `once` wrappers do. */
function wrapListener(ctx: Context, listener: Listener): Listener {
  // A wrapper that already names its original (Node's own once wrapper, when something called
  // EventEmitter.prototype.once directly) keeps itself as the original, so its self-removal works.
  const bound = function listenerInContext(this: unknown, ...args: unknown[]): unknown {
    return context.with(ctx, listener, this, ...args);
  } as Listener & { listener?: Listener };
  bound.listener = listener;
  return bound;
}

/**
 * Node's `once` semantics for a bound emitter: removed before it runs, runs at most once, found
 * by `removeListener(original)`. Done here rather than wrapping Node's once wrapper, whose
 * self-removal looks for itself and would not find the context wrapper around it.
 */
function wrapOnceListener(
  emitter: EventEmitter,
  ctx: Context,
  event: string | symbol,
  listener: Listener,
): Listener {
  let fired = false;
  const bound = function onceInContext(this: unknown, ...args: unknown[]): unknown {
    if (fired) return undefined;
    fired = true;
    emitter.removeListener(event, bound);
    return context.with(ctx, listener, this, ...args);
  } as Listener & { listener?: Listener };
  bound.listener = listener;
  return bound;
}

// ---- slow path: patch one instance on top of its own methods ----

function bindInstance(emitter: EventEmitter, ctx: Context): void {
  // A listener added n times has n wrappers; removal takes the newest, as Node removes the newest copy.
  const wrappedByEvent = new Map<string | symbol, Map<Listener, Listener[]>>();
  const target = emitter as unknown as Record<string, unknown>;
  for (const method of ADD_METHODS) {
    const original = emitter[method] as EmitterMethod;
    target[method] = function addBound(this: EventEmitter, event: string | symbol, listener: Listener) {
      if (typeof listener !== 'function') return original.call(this, event, listener);
      const wrapped = function boundListener(this: unknown, ...args: unknown[]): unknown {
        return context.with(ctx, listener, this, ...args);
      } as Listener & { listener?: unknown };
      // The wrapper names the listener as it was added, as Node's own once wrappers do, so that
      // `listeners()` and `listenerCount(event, listener)` see it; Node's once wrapper (`once`
      // goes through `on`) names the user's listener, and that is kept.
      wrapped.listener = (listener as { listener?: unknown }).listener ?? listener;
      let wrappers = wrappedByEvent.get(event);
      if (wrappers === undefined) {
        wrappers = new Map();
        wrappedByEvent.set(event, wrappers);
      }
      const copies = wrappers.get(listener);
      if (copies === undefined) wrappers.set(listener, [wrapped]);
      else copies.push(wrapped);
      return original.call(this, event, wrapped);
    };
  }
  for (const method of REMOVE_METHODS) {
    const original = emitter[method] as EmitterMethod;
    target[method] = function removeBound(this: EventEmitter, event: string | symbol, listener: Listener) {
      const wrappers = wrappedByEvent.get(event);
      const copies = wrappers?.get(listener);
      const wrapped = copies?.pop();
      if (copies !== undefined && copies.length === 0) wrappers?.delete(listener);
      return original.call(this, event, wrapped ?? listener);
    };
  }
}
