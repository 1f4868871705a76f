/**
 * The orders service (Fastify): reserves stock and asks payments to charge the order.
 * A failed charge fails the order (502), so the request fails here too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
// In your service: import { ... } from 'logweave' and 'logweave/fastify'.
import { fetchWithContext, type Logging } from '../../src/index.ts';
import { logweaveFastify } from '../../integrations/fastify/index.ts';
import type { Peers } from './demo-protocol.ts';

interface OrderRequest {
  customer: string;
  items: Array<{ sku: string; quantity: number; priceCents: number }>;
  card: string;
}

export async function createOrdersApp(logging: Logging, peers: Peers): Promise<FastifyInstance> {
  const log = logging.getLogger('orders.api');
  const inventoryLog = logging.getLogger('orders.inventory');
  let nextOrder = 1;

  const app = Fastify();
  await app.register(logweaveFastify, { logging });
  app.post('/orders', async (request, reply) => {
    const order = request.body as OrderRequest;
    const orderId = `ord_${String(nextOrder++).padStart(5, '0')}`;
    const amountCents = order.items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
    log.info('order received', {
      'order.id': orderId,
      'customer.id': order.customer,
      items: order.items.length,
    });
    for (const item of order.items)
      inventoryLog.debug('reserving stock', { sku: item.sku, quantity: item.quantity });
    inventoryLog.info('stock reserved', { 'order.id': orderId, skus: order.items.map((item) => item.sku) });

    // fetchWithContext adds traceparent, tracestate, baggage and x-request-id: payments continues this trace.
    // A busy issuer (503) is worth one more try. The failure still counts: fetchWithContext marks
    // this request failed (upstream_failure), so its story is kept although the order succeeds.
    const charge = (): Promise<Response> =>
      fetchWithContext(`${peers.payments}/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId, amountCents, card: order.card }),
        signal: AbortSignal.timeout(10_000),
      });
    let response = await charge();
    if (response.status === 503) {
      await response.body?.cancel();
      log.info('payments busy, retrying the charge once', { 'order.id': orderId });
      response = await charge();
    }
    if (!response.ok) {
      log.error('payment failed, order cancelled', {
        'order.id': orderId,
        'payments.status': response.status,
      });
      return reply.code(502).send({ error: 'payment failed', orderId });
    }
    const { chargeId } = (await response.json()) as { chargeId: string };
    log.info('order confirmed', { 'order.id': orderId, 'charge.id': chargeId, 'amount.cents': amountCents });
    return reply.code(201).send({ orderId, chargeId });
  });
  return app;
}
