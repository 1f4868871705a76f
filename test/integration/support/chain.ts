import { createServer, type IncomingMessage, type request as httpRequest } from 'node:http';
import express, { type Request, type Response } from 'express';
import Fastify from 'fastify';
import { createLogging, tryGetRequestContext, type Logging } from '../../../src/index.ts';
import { fetchWithContext, propagationHeaders } from '../../../src/context/outgoing-propagation.ts';
import { logweaveExpress } from '../../../integrations/express/index.ts';
import { logweaveFastify } from '../../../integrations/fastify/index.ts';
import { listen } from './http-fixtures.ts';

/** How often a header arrived (raw headers keep duplicates that `req.headers` joins). */
function headerCount(req: IncomingMessage, name: string): number {
  let count = 0;
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]?.toLowerCase() === name) count++;
  }
  return count;
}

/** What each service records about the request it received. */
function incoming(req: IncomingMessage, i: number): Record<string, unknown> {
  return {
    'test.i': i,
    'test.traceparent': req.headers['traceparent'] ?? '',
    'test.traceparent.count': headerCount(req, 'traceparent'),
    'test.request_id.count': headerCount(req, 'x-request-id'),
    'test.baggage': req.headers['baggage'] ?? '',
    'test.parent_span_id': tryGetRequestContext()?.parentSpanId ?? '',
  };
}

export interface Chain {
  /** POST `{ i }` here: checkout (Express) → payments (Fastify) → inventory (Express). */
  entryUrl: string;
  close(): Promise<void>;
}

/** One pipeline per service, all exporting over OTLP/HTTP to `url` (a test receiver). */
export function otlpLoggingFor(url: string): (serviceName: string) => Logging {
  return (serviceName) =>
    createLogging({
      serviceName,
      exporter: 'otlp',
      otlp: { url },
      handleSignals: false,
      batch: { maxQueueSize: 10_000, scheduledDelayMillis: 50 },
    });
}

/**
 * Three services over loopback. checkout calls payments with `fetchWithContext` (global fetch,
 * undici); payments calls inventory with `node:http` and `propagationHeaders('http')`.
 * `request` is passed in so a test with the OTel HTTP instrumentation can hand over the patched one.
 */
export async function startChain(
  loggingFor: (service: string) => Logging,
  request: typeof httpRequest,
): Promise<Chain> {
  const inventoryLogging = loggingFor('inventory');
  const inventoryApp = express();
  inventoryApp.use(logweaveExpress(inventoryLogging));
  inventoryApp.use(express.json());
  inventoryApp.post('/reserve', (req: Request, res: Response) => {
    const i = (req.body as { i: number }).i;
    inventoryLogging.getLogger('inventory').info('inventory.reserved', incoming(req, i));
    res.json({ i, reserved: true });
  });
  const inventory = await listen(createServer(inventoryApp));

  const paymentsLogging = loggingFor('payments');
  const paymentsApp = Fastify();
  await paymentsApp.register(logweaveFastify, { logging: paymentsLogging });
  paymentsApp.post('/charge', async (req) => {
    const i = (req.body as { i: number }).i;
    const log = paymentsLogging.getLogger('payments');
    log.info('payments.charging', incoming(req.raw, i));
    const payload = JSON.stringify({ i });
    const reserved = await new Promise<string>((resolve, reject) => {
      const outgoing = request(
        `${inventory.url}/reserve`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...propagationHeaders('http') },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
          res.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
    log.info('payments.charged', { 'test.i': i });
    return { i, reserved: JSON.parse(reserved) as unknown };
  });
  await paymentsApp.ready();
  const payments = await listen(paymentsApp.server);

  const checkoutLogging = loggingFor('checkout');
  const checkoutApp = express();
  checkoutApp.use(logweaveExpress(checkoutLogging));
  checkoutApp.use(express.json());
  checkoutApp.post('/checkout', async (req: Request, res: Response) => {
    const i = (req.body as { i: number }).i;
    const log = checkoutLogging.getLogger('checkout');
    log.info('checkout.start', incoming(req, i));
    const response = await fetchWithContext(`${payments.url}/charge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: 'stale-value-from-the-caller' },
      body: JSON.stringify({ i }),
    });
    const charged = (await response.json()) as unknown;
    log.info('checkout.done', { 'test.i': i });
    res.json({ i, charged });
  });
  const checkout = await listen(createServer(checkoutApp));

  return {
    entryUrl: `${checkout.url}/checkout`,
    async close() {
      await checkout.close();
      await paymentsApp.close();
      await payments.close();
      await inventory.close();
      await Promise.all([
        checkoutLogging.shutdown(),
        paymentsLogging.shutdown(),
        inventoryLogging.shutdown(),
      ]);
    },
  };
}
