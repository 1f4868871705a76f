/**
 * One process-wide handler per signal flushes every registered pipeline, bounded by each
 * pipeline's own timeout, then lets the process end as it would have: when logweave's handler
 * is the only listener it re-raises the signal (default action, exit status 128+n); when the
 * application listens too, the application decides what happens next.
 */
const HANDLED_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type HandledSignal = (typeof HANDLED_SIGNALS)[number];

type Flusher = () => Promise<void>;

const flushers = new Set<Flusher>();
let installed = false;
let exiting = false;

function onSignal(signal: HandledSignal): void {
  if (exiting) return;
  exiting = true;
  const pending = [...flushers].map((flush) => flush().catch(() => undefined));
  void Promise.all(pending).then(() => {
    exiting = false;
    const othersListen = process.listenerCount(signal) > 1;
    if (othersListen) return;
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
 * Registers `flush` (which must bound its own duration) to run on SIGTERM and SIGINT.
 * @returns a function that unregisters it.
 */
export function registerSignalFlush(flush: Flusher): () => void {
  flushers.add(flush);
  if (!installed) {
    installed = true;
    for (const signal of HANDLED_SIGNALS) process.on(signal, listeners[signal]);
  }
  return () => {
    flushers.delete(flush);
    if (flushers.size === 0) uninstall();
  };
}
