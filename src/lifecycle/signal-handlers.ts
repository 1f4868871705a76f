/**
 * One process-wide handler per signal flushes every registered pipeline, bounded by each
 * pipeline's own timeout, then lets the process end as it would have: when logweave's handler
 * is the only listener it re-raises the signal (default action, exit status 128+n); when the
 * application listens too, the application decides what happens next. A process killed by the
 * re-raised signal runs no `exit` listener, so each pipeline's `finish` (keep what is still
 * queued or in flight, say what was lost) runs synchronously just before.
 */
const HANDLED_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type HandledSignal = (typeof HANDLED_SIGNALS)[number];

type Flusher = () => Promise<void>;
type Finisher = (signal: HandledSignal) => void;

const flushers = new Map<Flusher, Finisher | undefined>();
let installed = false;
let exiting = false;

function onSignal(signal: HandledSignal): void {
  if (exiting) return;
  exiting = true;
  const pending = [...flushers.keys()].map((flush) => flush().catch(() => undefined));
  void Promise.all(pending).then(() => {
    exiting = false;
    const othersListen = process.listenerCount(signal) > 1;
    if (othersListen) return;
    for (const finish of flushers.values()) {
      try {
        finish?.(signal);
      } catch {
        // Finishing one pipeline must not keep the others from finishing, or the signal from ending the process.
      }
    }
    uninstall();
    process.kill(process.pid, signal);
  });
}

const listeners: Record<HandledSignal, () => void> = {
  SIGTERM: () => onSignal('SIGTERM'),
  SIGINT: () => onSignal('SIGINT'),
};

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const signal of HANDLED_SIGNALS) process.removeListener(signal, listeners[signal]);
}

/**
 * Registers `flush` (which must bound its own duration) to run on SIGTERM and SIGINT, and
 * `finish` to run synchronously right before the signal is re-raised.
 * @returns a function that unregisters them.
 */
export function registerSignalFlush(flush: Flusher, finish?: Finisher): () => void {
  flushers.set(flush, finish);
  if (!installed) {
    installed = true;
    for (const signal of HANDLED_SIGNALS) process.on(signal, listeners[signal]);
  }
  return () => {
    flushers.delete(flush);
    if (flushers.size === 0) uninstall();
  };
}
