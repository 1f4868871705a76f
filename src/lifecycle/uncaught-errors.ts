/**
 * One process-wide `uncaughtException` listener for every pipeline that asked for it. When it
 * is the only listener (so, without logweave, the error would end the process), it records the
 * error as FATAL in every pipeline, flushes them (each bounded by its own timeout), then removes
 * itself and raises the error again so Node prints it and exits exactly as it would have (exit
 * code 1). In Node's default `--unhandled-rejections=throw` mode an unhandled rejection arrives
 * here too (origin `unhandledRejection`) and is re-raised as a rejection.
 */
type UncaughtHandler = (error: unknown, origin: NodeJS.UncaughtExceptionOrigin) => Promise<void>;

const handlers = new Set<UncaughtHandler>();
let installed = false;
let handling = false;

function onUncaught(error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void {
  // The application listens too: it decides whether the process ends, so this is not fatal.
  if (process.listenerCount('uncaughtException') > 1) return;
  if (handling) return; // a second error while flushing the first: Node would already be gone
  handling = true;
  const pending = [...handlers].map((handle) => handle(error, origin).catch(() => undefined));
  void Promise.all(pending).then(() => {
    uninstall();
    if (origin === 'unhandledRejection') {
      void Promise.reject(error);
    } else {
      // Thrown from a fresh macrotask with no listener left: Node's own fatal path runs.
      setImmediate(() => {
        throw error;
      });
    }
  });
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('uncaughtException', onUncaught);
}

/**
 * Registers `handle` (log FATAL, then flush within a bounded time) for errors that would end
 * the process. Not installed when Node runs with `--abort-on-uncaught-exception`, where a
 * listener would prevent the core dump.
 * @returns a function that unregisters it.
 */
export function registerUncaughtErrorHandler(handle: UncaughtHandler): () => void {
  if (process.execArgv.includes('--abort-on-uncaught-exception')) return () => undefined;
  handlers.add(handle);
  if (!installed) {
    installed = true;
    process.on('uncaughtException', onUncaught);
  }
  return () => {
    handlers.delete(handle);
    if (handlers.size === 0) uninstall();
  };
}
