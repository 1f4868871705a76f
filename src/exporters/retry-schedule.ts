/*
 * The live retry schedule mirrors the official OTLP exporter's (otlp-exporter-base's retrying
 * transport): up to 5 retries, 1 s first backoff growing by 1.5 up to 5 s with ±20 % jitter,
 * all within the export timeout. Keeping the same numbers means a switch from the stock
 * exporter changes nothing about how hard a struggling Collector is pushed.
 */
export const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MILLIS = 1000;
const MAX_BACKOFF_MILLIS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/** The wait before retry number `retry` (0-based), jittered. */
export function retryBackoffMillis(retry: number): number {
  const base = Math.min(INITIAL_BACKOFF_MILLIS * BACKOFF_MULTIPLIER ** retry, MAX_BACKOFF_MILLIS);
  return Math.max(0, base * (1 + (Math.random() * 2 - 1) * JITTER));
}

/**
 * Resolves after `millis`, or early (with false) when `signal` aborts. `holdProcess: false`
 * lets the process end meanwhile (spool replay must never keep a finished program alive).
 */
export function sleep(
  millis: number,
  signal: AbortSignal | undefined,
  holdProcess: boolean,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, millis);
    if (!holdProcess) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
