/**
 * The gateway (Express): the public entry point. It forwards a checkout to orders and answers
 * failures with the request id and trace id, so a support ticket can name the request.
 */
import express, { type Request, type Response } from 'express';
// In your service: import { ... } from 'logweave' and 'logweave/express'.
import { fetchWithContext, tryGetRequestContext, type Logging } from '../../src/index.ts';
import { logweaveExpress } from '../../integrations/express/index.ts';
import type { Peers } from './demo-protocol.ts';

export function createGatewayApp(logging: Logging, peers: Peers): express.Express {
  const log = logging.getLogger('gateway.checkout');

  const app = express();
  app.use(logweaveExpress(logging));
  app.use(express.json());
  app.post('/checkout', async (req: Request, res: Response) => {
    const { customer } = req.body as { customer: string };
    log.info('checkout started', { 'customer.id': customer });
    const response = await fetchWithContext(`${peers.orders}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      log.warn('checkout failed upstream', { 'orders.status': response.status });
      const request = tryGetRequestContext();
      res
        .status(502)
        .json({ error: 'checkout failed', requestId: request?.requestId, traceId: request?.traceId });
      return;
    }
    log.info('checkout completed', { 'order.id': String(body['orderId']) });
    res.status(201).json({ ...body, traceId: tryGetRequestContext()?.traceId });
  });
  return app;
}
