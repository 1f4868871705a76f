/** Traces remembered at once; past it the oldest are forgotten (their callees then learn nothing). */
export const MAX_REMEMBERED_TRACES = 10_000;
/** Distinct services (origins) remembered per trace. */
export const MAX_CALLEES_PER_TRACE = 16;
/** How long a trace's callees are remembered: its requests' longest life plus the grace period. */
export const CALLEE_MEMORY_MILLIS = 5 * 60_000;

interface Entry {
  readonly origins: Set<string>;
  readonly expiresAt: number;
}

/**
 * Which services (URL origins) this process called in each trace, so that when the trace fails
 * here the services called earlier — siblings that answered fine and have ended — can be told to
 * release what they held (see `release-notifier.ts`). Only filled while a signal secret is set.
 */
class CalleeRegistry {
  readonly #byTrace = new Map<string, Entry>();

  note(traceId: string, origin: string, now = Date.now()): void {
    let entry = this.#byTrace.get(traceId);
    if (entry === undefined) {
      this.#forgetExpired(now);
      if (this.#byTrace.size >= MAX_REMEMBERED_TRACES) {
        const oldest = this.#byTrace.keys().next().value;
        if (oldest !== undefined) this.#byTrace.delete(oldest);
      }
      entry = { origins: new Set(), expiresAt: now + CALLEE_MEMORY_MILLIS };
      this.#byTrace.set(traceId, entry);
    }
    if (entry.origins.size < MAX_CALLEES_PER_TRACE) entry.origins.add(origin);
  }

  /** The callees of `traceId`, forgotten as they are returned: each is told once per trace. */
  take(traceId: string): string[] {
    const entry = this.#byTrace.get(traceId);
    if (entry === undefined) return [];
    this.#byTrace.delete(traceId);
    return [...entry.origins];
  }

  #forgetExpired(now: number): void {
    for (const [traceId, entry] of this.#byTrace) {
      if (entry.expiresAt > now) break;
      this.#byTrace.delete(traceId);
    }
  }
}

export const calleeRegistry = new CalleeRegistry();
