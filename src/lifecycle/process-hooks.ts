import type { ConsoleMethod } from '../bridges/console-call.ts';
import { registerConsoleCapture } from './console-capture.ts';
import { registerExitHooks } from './exit-hooks.ts';
import { registerSignalFlush } from './signal-handlers.ts';
import { registerUncaughtErrorHandler } from './uncaught-errors.ts';

/** What a pipeline does when the process ends; each step bounds its own duration. */
export interface ProcessHookActions {
  /** Flush within the pipeline's budget (signals, `beforeExit`, fatal errors). */
  flush(): Promise<void>;
  /** Whether anything was emitted since the last flush (ends the `beforeExit` cycle). */
  hasNewRecords(): boolean;
  /**
   * Synchronously keep what is still queued or in flight and write the final summary: the
   * process ends now (`process.exit()`, a signal about to be re-raised). `when` names the exit.
   */
  finish(when: string): void;
  /** Record an error that is about to end the process, as FATAL. */
  logFatal(what: string, error: unknown): void;
  /** Record one captured `console.*` call (with `captureConsole`). */
  consoleCall(method: ConsoleMethod, args: readonly unknown[], stack: string | undefined): void;
}

/** Which hooks to install; the options `handleSignals`, `delivery.handleUncaughtErrors`, `captureConsole`. */
export interface ProcessHookSettings {
  signals: boolean;
  uncaughtErrors: boolean;
  captureConsole: boolean;
}

/**
 * Every process-level listener logweave installs, in one place: SIGTERM/SIGINT (flush, then end
 * as the process would have), `beforeExit`/`exit` (flush, or keep synchronously), and
 * `uncaughtException` (FATAL record, flush, re-raise), and with `captureConsole` the `console.*`
 * wrappers. Each is shared by all pipelines of the process (one listener per event, one wrapper
 * per console method). Returns a function that removes this pipeline's hooks.
 */
export function installProcessHooks(actions: ProcessHookActions, settings: ProcessHookSettings): () => void {
  const unregister: Array<() => void> = [];
  if (settings.signals) {
    unregister.push(
      registerSignalFlush(
        () => actions.flush(),
        (signal) => actions.finish(`on ${signal}`),
      ),
    );
  }
  unregister.push(
    registerExitHooks({
      hasNewRecords: () => actions.hasNewRecords(),
      flush: () => actions.flush(),
      keepNow: (code) => actions.finish(`at exit (code ${code})`),
    }),
  );
  if (settings.uncaughtErrors) {
    unregister.push(
      registerUncaughtErrorHandler((error, origin) => {
        actions.logFatal(
          origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception',
          error,
        );
        return actions.flush();
      }),
    );
  }
  if (settings.captureConsole) {
    unregister.push(
      registerConsoleCapture((method, args, stack) => actions.consoleCall(method, args, stack)),
    );
  }
  return () => {
    for (const remove of unregister.splice(0)) remove();
  };
}
