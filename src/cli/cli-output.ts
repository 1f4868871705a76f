import type { Writable } from 'node:stream';

/**
 * Writes to a stream with backpressure, so printing a large timeline through a slow pipe does
 * not pile it up in memory, and stops quietly when the reader goes away (`logweave view … | head`).
 */
export class CliOutput {
  readonly #stream: Writable;
  #closed = false;

  constructor(stream: Writable) {
    this.#stream = stream;
    // EPIPE (the reader closed the pipe) or any other write error: nothing more can be written.
    stream.on('error', () => {
      this.#closed = true;
    });
  }

  /** True once the stream can take no more output. */
  get closed(): boolean {
    return this.#closed;
  }

  async line(text: string): Promise<void> {
    if (this.#closed) return;
    if (this.#stream.write(`${text}\n`)) return;
    // Wait until the stream drains, or can no longer drain; the listeners go away either way.
    await new Promise<void>((resolve) => {
      const settle = (): void => {
        this.#stream.off('drain', settle);
        this.#stream.off('close', settle);
        this.#stream.off('error', settle);
        resolve();
      };
      this.#stream.on('drain', settle);
      this.#stream.on('close', settle);
      this.#stream.on('error', settle);
    });
  }
}
