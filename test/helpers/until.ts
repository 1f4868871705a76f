/**
 * Waits until `condition` holds, checking once per turn of the event loop (setImmediate), so a
 * test waits exactly as long as the event it needs and no fixed sleep guesses how long that is.
 * Fails after `timeoutMillis` with `what` in the message.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMillis = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
