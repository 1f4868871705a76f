/** Resolves on the next turn of the event loop, after pending I/O callbacks and microtasks. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `millis` milliseconds. */
export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/**
 * Waits until `done()` holds, checking once per event-loop turn; throws after `timeoutMillis`
 * so that a logger that never drains fails the benchmark instead of hanging it.
 */
export async function waitUntil(done: () => boolean, what: string, timeoutMillis = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await nextTurn();
  }
}
