/**
 * Process-wide hooks for the two ways a process ends without a signal, shared by every
 * pipeline (one listener each, however many pipelines a process creates):
 * - `beforeExit` (the event loop ran dry): each pipeline flushes, bounded by its own timeout.
 *   Flushing schedules work, so `beforeExit` fires again afterwards; `hasNewRecords` ends the
 *   cycle once nothing was emitted since the previous flush.
 * - `exit` (`process.exit()`, or after `beforeExit`): only synchronous work is possible, so
 *   what a pipeline still queues is handed to `keepNow` (spooled or written synchronously).
 */
export interface ExitHooks {
  flush: () => Promise<void>;
  hasNewRecords: () => boolean;
  /** Runs in the `exit` listener, with the exit code. */
  keepNow: (code: number) => void;
}

const registered = new Set<ExitHooks>();
let installed = false;
let flushing = false;

function onBeforeExit(): void {
  if (flushing) return;
  const due = [...registered].filter((hooks) => hooks.hasNewRecords());
  if (due.length === 0) return;
  flushing = true;
  void Promise.all(due.map((hooks) => hooks.flush().catch(() => undefined))).finally(() => {
    flushing = false;
  });
}

function onExit(code: number): void {
  for (const hooks of registered) {
    try {
      hooks.keepNow(code);
    } catch {
      // An exit listener that throws would replace the application's exit code.
    }
  }
}

/** @returns a function that unregisters `hooks`. */
export function registerExitHooks(hooks: ExitHooks): () => void {
  registered.add(hooks);
  if (!installed) {
    installed = true;
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
  }
  return () => {
    registered.delete(hooks);
    if (registered.size === 0 && installed) {
      installed = false;
      process.removeListener('beforeExit', onBeforeExit);
      process.removeListener('exit', onExit);
    }
  };
}
