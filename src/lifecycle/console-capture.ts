/* eslint-disable no-console -- this module wraps the console methods; it never prints */
import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { CONSOLE_METHODS, type ConsoleMethod } from '../bridges/console-call.ts';

/** Receives one captured console call (the pipeline's side); `trace` calls come with their stack. */
export type ConsoleSink = (
  method: ConsoleMethod,
  args: readonly unknown[],
  stack: string | undefined,
) => void;

type ConsoleFunction = (...args: unknown[]) => void;

/** Pipelines that capture, newest last: only the newest receives (as with the request-id settings). */
const sinks: ConsoleSink[] = [];
const originals = new Map<ConsoleMethod, ConsoleFunction>();
const wrappers = new Map<ConsoleMethod, ConsoleFunction>();
/** True while a console call is printed or sent into logweave: console calls made meanwhile are part of it. */
let busy = false;

/**
 * Makes `console.log/info/warn/error/debug/trace` also reach `sink`. The console prints exactly
 * as before, first; then the call is captured once, except:
 * - a console call made while another one is printed or captured is printed only: the console's
 *   own (`console.trace` prints through `console.error`), a custom `inspect` that logs, and
 *   logweave's processors, exporters or diagnostic writer when they use the console, so capture
 *   never recurses;
 * - inside OpenTelemetry's export machinery (the batch processor exports with tracing
 *   suppressed, and its callbacks keep that context): a `diag` console logger reporting an
 *   export failure is printed, not fed back into the pipeline that failed.
 * One wrapper per method for the whole process, however many pipelines capture. Returns the
 * function that stops this pipeline's capture; with the last one gone, the original methods
 * are put back (unless other code wrapped them since, in which case ours stays, passing through).
 */
export function registerConsoleCapture(sink: ConsoleSink): () => void {
  if (sinks.length === 0) install();
  sinks.push(sink);
  return () => {
    const index = sinks.lastIndexOf(sink);
    if (index === -1) return;
    sinks.splice(index, 1);
    if (sinks.length === 0) uninstall();
  };
}

function install(): void {
  for (const method of CONSOLE_METHODS) {
    // Still in console's chain under another wrapper (see uninstall): capturing again through it.
    if (wrappers.has(method)) continue;
    const original = console[method] as ConsoleFunction;
    const wrapper = function captured(this: unknown, ...args: unknown[]): void {
      if (busy) {
        original.apply(this, args);
        return;
      }
      busy = true;
      try {
        original.apply(this, args);
        const sink = sinks.at(-1);
        if (sink === undefined || isTracingSuppressed(context.active())) return;
        try {
          sink(method, args, method === 'trace' ? stackAbove(captured) : undefined);
        } catch {
          // The sink reports its own faults; a console call must never throw because of logweave.
        }
      } finally {
        busy = false;
      }
    };
    originals.set(method, original);
    wrappers.set(method, wrapper);
    console[method] = wrapper;
  }
}

/** The stack of the code that called `fn` (what `console.trace` prints after its message). */
function stackAbove(fn: ConsoleFunction): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, fn);
  const stack = holder.stack ?? '';
  const firstFrame = stack.indexOf('\n');
  return firstFrame === -1 ? '' : stack.slice(firstFrame + 1);
}

function uninstall(): void {
  for (const method of CONSOLE_METHODS) {
    const wrapper = wrappers.get(method);
    const original = originals.get(method);
    if (wrapper === undefined || original === undefined) continue;
    // Code that wrapped console after us keeps its wrapper; ours then only passes through.
    if (console[method] !== wrapper) continue;
    console[method] = original;
    wrappers.delete(method);
    originals.delete(method);
  }
}
