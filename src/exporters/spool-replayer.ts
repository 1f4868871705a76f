import type { DiskSpool, SpooledBatch } from './disk-spool.ts';
import type { SendOutcome } from './otlp-http-sender.ts';
import { sleep } from './retry-schedule.ts';

export interface SpoolReplayerOptions {
  spool: DiskSpool;
  /** One attempt for one spooled request. */
  send(batch: SpooledBatch, signal: AbortSignal): Promise<SendOutcome>;
  /** Called with the answer to a delivered batch (before it is settled). */
  delivered(batch: SpooledBatch, body: Uint8Array): void;
  /** Called for a batch the receiver will never take (4xx, 413); it is settled and not retried. */
  rejected(batch: SpooledBatch, reason: string): void;
  /**
   * Resolves once no live request is still running for a batch that was also spooled (see
   * `DurableOtlpExporter`'s export deadline); replay waits for it, so that copy is not sent twice.
   */
  liveRequestsSettled?(): Promise<void>;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
}

/**
 * Offers the spool to the endpoint oldest first, one request at a time, so records arrive in
 * the order they were spooled. After a retryable failure it waits (doubling from
 * `initialBackoffMillis` to `maxBackoffMillis`, or the server's `Retry-After`) and tries again;
 * a successful live export wakes it at once. Its timers never keep the process alive.
 */
export class SpoolReplayer {
  readonly #options: SpoolReplayerOptions;
  #backoffMillis: number;
  #running = false;
  #paused = false;
  #stopped = false;
  #wakeUp: AbortController = new AbortController();
  #inFlight: AbortController | undefined;

  constructor(options: SpoolReplayerOptions) {
    this.#options = options;
    this.#backoffMillis = options.initialBackoffMillis;
  }

  /** Starts replay now if there is anything to replay and it is not already running. */
  wake(): void {
    if (this.#stopped || this.#paused) return;
    this.#backoffMillis = this.#options.initialBackoffMillis;
    this.#wakeUp.abort();
    if (!this.#running) void this.#run(0);
  }

  /**
   * Starts replay after the first backoff, or after `retryAfterMillis` when the receiver asked
   * for it (used after a live export had to be spooled).
   */
  start(retryAfterMillis?: number): void {
    if (this.#stopped || this.#paused || this.#running) return;
    void this.#run(Math.max(this.#backoffMillis, retryAfterMillis ?? 0));
  }

  /** Stops sending (the request in flight is abandoned and stays spooled) until `resume()`. */
  pause(): void {
    this.#paused = true;
    this.#inFlight?.abort();
    this.#wakeUp.abort();
  }

  resume(): void {
    this.#paused = false;
    this.wake();
  }

  stop(): void {
    this.#stopped = true;
    this.pause();
  }

  async #run(firstDelayMillis: number): Promise<void> {
    this.#running = true;
    try {
      let delay = firstDelayMillis;
      while (!this.#stopped && !this.#paused && this.#options.spool.hasPending()) {
        if (delay > 0) {
          this.#wakeUp = new AbortController();
          await sleep(delay, this.#wakeUp.signal, false);
          if (this.#stopped || this.#paused) break;
        }
        await this.#options.liveRequestsSettled?.();
        if (this.#stopped || this.#paused) break;
        delay = await this.#sendOldest();
      }
    } finally {
      this.#running = false;
    }
  }

  /** @returns how long to wait before the next attempt (0: go on at once). */
  async #sendOldest(): Promise<number> {
    const batch = this.#options.spool.next();
    if (batch === undefined) return 0;
    this.#inFlight = new AbortController();
    const outcome = await this.#options.send(batch, this.#inFlight.signal);
    this.#inFlight = undefined;
    if (this.#stopped || this.#paused) return 0;
    if (outcome.kind === 'success') {
      this.#options.delivered(batch, outcome.body);
      batch.settle();
      this.#backoffMillis = this.#options.initialBackoffMillis;
      return 0;
    }
    if (outcome.kind === 'rejected' || outcome.kind === 'too_large') {
      this.#options.rejected(batch, outcome.reason);
      batch.settle();
      return 0;
    }
    const wait = outcome.retryAfterMillis ?? this.#backoffMillis;
    this.#backoffMillis = Math.min(this.#backoffMillis * 2, this.#options.maxBackoffMillis);
    return Math.max(wait, 1);
  }
}
