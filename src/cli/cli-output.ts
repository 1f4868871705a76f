import { once } from 'node:events';
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
    if (!this.#stream.write(`${text}\n`)) {
      await Promise.race([once(this.#stream, 'drain'), once(this.#stream, 'close')]).catch(() => undefined);
    }
  }
}
