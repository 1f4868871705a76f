/** A bounded burst of checkouts against the gateway, a few at a time, with progress. */

export interface CheckoutResult {
  requestId: string;
  /** The card token the checkout paid with (`tok_issuer_busy`: handled gracefully). */
  card: string;
  status: number;
  /** From the gateway's error answer (it names the trace so a ticket can cite it). */
  traceId: string | undefined;
}

export interface TrafficOptions {
  gatewayUrl: string;
  total: number;
  concurrency: number;
  /** Every `failEvery`-th checkout pays with a card whose issuer is down: it fails deep in payments. */
  failEvery: number;
  /**
   * Half-way between two of those, a checkout finds the issuer busy: payments answers 503 once,
   * orders retries and the checkout succeeds (a failure handled gracefully).
   */
  busyEvery: number;
  onProgress(done: number, failed: number): void;
}

export async function sendCheckouts(options: TrafficOptions): Promise<CheckoutResult[]> {
  const results: CheckoutResult[] = [];
  let next = 1;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next <= options.total) {
      const index = next++;
      const card =
        index % options.failEvery === 0
          ? 'tok_issuer_down'
          : index % options.busyEvery === options.busyEvery / 2
            ? 'tok_issuer_busy'
            : 'tok_visa';
      const result = await checkout(options.gatewayUrl, index, card);
      results.push(result);
      if (result.status >= 500) failed += 1;
      options.onProgress(results.length, failed);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return results.sort((a, b) => a.requestId.localeCompare(b.requestId));
}

async function checkout(gatewayUrl: string, index: number, card: string): Promise<CheckoutResult> {
  const requestId = `demo-${String(index).padStart(4, '0')}`;
  const response = await fetch(`${gatewayUrl}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({
      customer: `cus_${index % 17}`,
      items: [
        { sku: `sku-${index % 5}`, quantity: 1 + (index % 3), priceCents: 1250 },
        { sku: 'sku-gift-wrap', quantity: 1, priceCents: 300 },
      ],
      card,
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { traceId?: unknown };
  return {
    requestId,
    card,
    status: response.status,
    traceId: typeof body.traceId === 'string' ? body.traceId : undefined,
  };
}

/** A progress bar redrawn in place on a terminal; four plain lines (25 % steps) in a pipe or a CI log. */
export function progressPrinter(total: number, write: (text: string) => void, isTTY: boolean) {
  let lastQuarter = 0;
  let lastDraw = 0;
  return (done: number, failed: number): void => {
    const line = `  ${bar(done / total)} ${String(done).padStart(String(total).length)}/${total} checkouts, ${failed} failed`;
    if (isTTY) {
      const now = Date.now();
      if (done === total || now - lastDraw >= 50) {
        lastDraw = now;
        write(`\r${line}${done === total ? '\n' : ''}`);
      }
    } else if (Math.floor((done * 4) / total) > lastQuarter) {
      lastQuarter = Math.floor((done * 4) / total);
      write(`${line}\n`);
    }
  };
}

function bar(fraction: number): string {
  const width = 24;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
