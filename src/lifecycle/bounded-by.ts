/** Resolves when `work` does or after `timeoutMillis`, whichever is first; never rejects. */
export function boundedBy(work: Promise<void>, timeoutMillis: number, onTimeout: () => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, timeoutMillis);
    // A pending flush must not keep an otherwise finished process alive.
    timer.unref();
    const settle = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(settle, settle);
  });
}
