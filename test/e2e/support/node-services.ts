import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogging, injectContext, type Logging, type LoggingOptions } from '../../../src/index.ts';
import { logweaveExpress } from '../../../integrations/express/index.ts';
import { logweaveFastify } from '../../../integrations/fastify/index.ts';

/** What both logweave services share: where records go and the sampling policy. */
export interface NodeServiceSettings {
  logsUrl: string;
  /** A different logs URL for one service (e.g. through a status-counting proxy). */
  logsUrlFor?: Partial<Record<'gateway' | 'orders', string>>;
  /** Keep-probability of INFO records, the same in both services. */
  infoProbability: number;
  /** Per-service spool directory (the gateway's and the orders' are subdirectories). */
  spoolRoot?: string;
}

export interface NodeServices {
  gatewayUrl: string;
  gateway: Logging;
  orders: Logging;
  close(): Promise<void>;
}

function loggingFor(serviceName: 'gateway' | 'orders', settings: NodeServiceSettings): Logging {
  const options: LoggingOptions = {
    serviceName,
    env: {},
    handleSignals: false,
    otlp: { url: settings.logsUrlFor?.[serviceName] ?? settings.logsUrl, protocol: 'http/protobuf' },
    // Short schedule so the test does not wait; the queue is large enough for the load phases
    // (a few thousand records) to sit out a 20 s outage without `queue_full` drops.
    batch: { scheduledDelayMillis: 200, maxQueueSize: 20_000, maxExportBatchSize: 512 },
    sampling: { default: { info: settings.infoProbability } },
    diagnosticWriter: (line) => process.stderr.write(`[${serviceName}] ${line}\n`),
  };
  if (settings.spoolRoot !== undefined) {
    options.delivery = { spoolDir: `${settings.spoolRoot}/${serviceName}` };
  }
  return createLogging(options);
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    // injectContext writes traceparent/tracestate/baggage and x-request-id of the current request.
    headers: injectContext({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.json() };
}

/** Orders: Fastify with logweave, calling the Python payments service. */
async function startOrders(logging: Logging, paymentsUrl: string): Promise<FastifyInstance> {
  const log = logging.getLogger('orders.checkout');
  const app = Fastify();
  await app.register(logweaveFastify, { logging });
  app.post<{ Body: { seq: number } }>('/orders', async (request) => {
    const seq = request.body.seq;
    log.info('order created', { 'e2e.seq': seq });
    const payment = await postJson(`${paymentsUrl}/payments`, { orderId: `order-${seq}`, seq });
    log.info('payment confirmed', { 'e2e.seq': seq, 'payment.status': payment.status });
    return { orderId: `order-${seq}`, payment: payment.body };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

/** Gateway: Express with logweave, calling orders. */
async function startGateway(logging: Logging, ordersUrl: string): Promise<Server> {
  const log = logging.getLogger('gateway.checkout');
  const app = express();
  app.use(logweaveExpress(logging));
  app.use(express.json());
  app.post('/checkout', async (req, res) => {
    const seq = Number((req.body as { seq: unknown }).seq);
    log.info('checkout received', { 'e2e.seq': seq });
    const order = await postJson(`${ordersUrl}/orders`, { seq });
    log.info('checkout completed', { 'e2e.seq': seq, 'orders.status': order.status });
    res.status(order.status).json(order.body);
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Starts orders (Fastify) then the gateway (Express), both on 127.0.0.1 port 0. */
export async function startNodeServices(
  settings: NodeServiceSettings,
  paymentsUrl: string,
): Promise<NodeServices> {
  const ordersLogging = loggingFor('orders', settings);
  const gatewayLogging = loggingFor('gateway', settings);
  const orders = await startOrders(ordersLogging, paymentsUrl);
  const ordersPort = (orders.server.address() as AddressInfo).port;
  const gateway = await startGateway(gatewayLogging, `http://127.0.0.1:${ordersPort}`);
  const gatewayPort = (gateway.address() as AddressInfo).port;
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    gateway: gatewayLogging,
    orders: ordersLogging,
    async close() {
      gateway.closeAllConnections();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await orders.close();
      await Promise.all([gatewayLogging.shutdown(), ordersLogging.shutdown()]);
    },
  };
}
