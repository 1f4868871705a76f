export interface LoadOptions {
  /** Request ids are `${prefix}-${n}`; `n` is also the body's `seq`. */
  prefix: string;
  concurrency: number;
  /** Hard bound on the number of requests. */
  maxRequests: number;
  /** Hard bound on the time spent starting requests. */
  maxMillis: number;
  /** Pause of each worker between two requests (0: back to back). */
  pauseMillis?: number;
  /** Stops starting new requests once it returns true. */
  shouldStop?: () => boolean;
}

export interface LoadResult {
  /** Request ids that got a 2xx from the gateway. */
  succeeded: string[];
  /** The trace id the payments service reported for each succeeded request. */
  traceIds: Map<string, string>;
  failed: Array<{ requestId: string; error: string }>;
}

/** Drives POST /checkout through the gateway with bounded concurrency, count and time. */
export async function driveLoad(gatewayUrl: string, options: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const result: LoadResult = { succeeded: [], traceIds: new Map(), failed: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (
      next < options.maxRequests &&
      Date.now() - started < options.maxMillis &&
      !options.shouldStop?.()
    ) {
      const seq = next++;
      const requestId = `${options.prefix}-${seq}`;
      try {
        const response = await fetch(`${gatewayUrl}/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body: JSON.stringify({ seq }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.ok) {
          result.succeeded.push(requestId);
          const body = JSON.parse(text) as { payment?: { traceId?: unknown } };
          if (typeof body.payment?.traceId === 'string') result.traceIds.set(requestId, body.payment.traceId);
        } else result.failed.push({ requestId, error: `HTTP ${response.status}: ${text.slice(0, 200)}` });
      } catch (error) {
        result.failed.push({ requestId, error: error instanceof Error ? error.message : String(error) });
      }
      if (options.pauseMillis) await new Promise((resolve) => setTimeout(resolve, options.pauseMillis));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}
