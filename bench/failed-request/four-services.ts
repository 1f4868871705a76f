/**
 * Four services over loopback, each with its own logweave pipeline (memory exporter, INFO
 * sampled at `infoShare`, error buffer on): edge (Express) → orders (Fastify) → inventory
 * (Express) and payments (Fastify). Every service logs three INFO lines per request. Failures are
 * injected per request by the `shape` the edge is called with, so one run measures how much of a
 * failed request's story every service keeps (see failed-request-story.ts and the test).
 */
import { createServer } from 'node:http';
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import Fastify from 'fastify';
import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createLogging, fetchWithContext, type Logging, type LoggingOptions } from '../../src/index.ts';
import { logweaveExpress } from '../../integrations/express/index.ts';
import { logweaveFastify } from '../../integrations/fastify/index.ts';

/** How a request goes wrong (or not), and where. */
export type Shape =
  /** Everything succeeds. */
  | 'success'
  /** payments answers 500; orders and the edge pass the failure on (500). */
  | 'payments_fails'
  /** payments answers 500; orders falls back (200, degraded); the edge answers 200. */
  | 'payments_fails_orders_falls_back'
  /** payments answers 500 once; orders retries and succeeds; everyone answers 200. */
  | 'payments_retry_succeeds'
  /** inventory answered 200 earlier (the sibling); then payments fails and orders answers 500. */
  | 'sibling_ok_then_payments_fails'
  /** Every call succeeds, then orders throws (500). */
  | 'orders_fails'
  /** Every call succeeds, then the edge logs an ERROR and answers 200. */
  | 'edge_logs_error';

export const SHAPES: readonly Shape[] = [
  'success',
  'payments_fails',
  'payments_fails_orders_falls_back',
  'payments_retry_succeeds',
  'sibling_ok_then_payments_fails',
  'orders_fails',
  'edge_logs_error',
];

export const SERVICES = ['edge', 'orders', 'inventory', 'payments'] as const;
export type Service = (typeof SERVICES)[number];

/** Which services a shape's failure path covers (the failing service up to the edge). */
export const FAILURE_PATH: Readonly<Record<Shape, readonly Service[]>> = {
  success: [],
  payments_fails: ['payments', 'orders', 'edge'],
  payments_fails_orders_falls_back: ['payments', 'orders', 'edge'],
  payments_retry_succeeds: ['payments', 'orders', 'edge'],
  sibling_ok_then_payments_fails: ['payments', 'orders', 'edge'],
  orders_fails: ['orders', 'edge'],
  edge_logs_error: ['edge'],
};

export interface Topology {
  readonly edgeUrl: string;
  records(): Promise<Map<Service, ReadableLogRecord[]>>;
  close(): Promise<void>;
}

type Listening = { url: string; close(): Promise<void> };

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts the four services. `signalSecret` turns on release calls between them (the option did
 * not exist before; a tree without it runs the same topology without it).
 */
export async function startFourServices(options: {
  infoShare: number;
  signalSecret?: string;
  graceMillis?: number;
}): Promise<Topology> {
  const exporters = new Map<Service, InMemoryLogRecordExporter>();
  const pipelines = new Map<Service, Logging>();
  const loggingFor = (service: Service): Logging => {
    const exporter = new InMemoryLogRecordExporter();
    const base: LoggingOptions = {
      serviceName: service,
      exporter,
      env: {},
      handleSignals: false,
      diagnosticWriter: () => undefined,
      batch: { maxQueueSize: 200_000, maxExportBatchSize: 5_000, scheduledDelayMillis: 20 },
      sampling: { default: { info: options.infoShare }, errorBuffer: {} },
    };
    const extended = {
      ...base,
      ...(options.signalSecret === undefined ? {} : { signals: { secret: options.signalSecret } }),
      sampling: {
        default: { info: options.infoShare },
        errorBuffer: options.graceMillis === undefined ? {} : { graceMillis: options.graceMillis },
      },
    } as LoggingOptions;
    let logging: Logging;
    try {
      logging = createLogging(extended);
    } catch {
      logging = createLogging(base); // a tree before signals and the grace period
    }
    exporters.set(service, exporter);
    pipelines.set(service, logging);
    return logging;
  };

  const shapeOf = (value: unknown): Shape => (typeof value === 'string' ? (value as Shape) : 'success');
  const attempts = new Map<string, number>();

  // payments (Fastify): fails when the shape says so (once, for the retry shape).
  const paymentsLogging = loggingFor('payments');
  const payments = Fastify();
  await payments.register(logweaveFastify, { logging: paymentsLogging });
  payments.post('/charge', async (request, reply) => {
    const log = paymentsLogging.getLogger('payments');
    const { shape, id } = request.body as { shape: Shape; id: string };
    log.info('payments: charge requested', { id });
    log.info('payments: card checked', { id });
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    const fails =
      shape === 'payments_fails' ||
      shape === 'payments_fails_orders_falls_back' ||
      shape === 'sibling_ok_then_payments_fails' ||
      (shape === 'payments_retry_succeeds' && attempt === 1);
    if (fails) {
      log.info('payments: processor timed out', { id });
      return reply.code(500).send({ error: 'processor timeout' });
    }
    log.info('payments: charged', { id });
    return { charged: true };
  });
  await payments.listen({ port: 0, host: '127.0.0.1' });
  const paymentsUrl = `http://127.0.0.1:${(payments.server.address() as { port: number }).port}`;

  // inventory (Express): always succeeds.
  const inventoryLogging = loggingFor('inventory');
  const inventoryApp = express();
  inventoryApp.use(logweaveExpress(inventoryLogging));
  inventoryApp.use(express.json());
  inventoryApp.post('/reserve', (req: ExpressRequest, res: ExpressResponse) => {
    const log = inventoryLogging.getLogger('inventory');
    const { id } = req.body as { id: string };
    log.info('inventory: reserve requested', { id });
    log.info('inventory: stock found', { id });
    log.info('inventory: reserved', { id });
    res.json({ reserved: true });
  });
  const inventory = await listen(inventoryApp);

  // orders (Fastify): reserves, charges (with retries or a fallback as the shape says).
  const ordersLogging = loggingFor('orders');
  const orders = Fastify();
  await orders.register(logweaveFastify, { logging: ordersLogging });
  orders.post('/orders', async (request, reply) => {
    const log = ordersLogging.getLogger('orders');
    const { shape, id } = request.body as { shape: Shape; id: string };
    const post = (url: string): Promise<Response> =>
      fetchWithContext(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ shape, id }),
      });
    log.info('orders: order received', { id });
    await (await post(`${inventory.url}/reserve`)).text();
    log.info('orders: stock reserved', { id });
    let charge = await post(`${paymentsUrl}/charge`);
    await charge.text();
    if (!charge.ok && shape === 'payments_retry_succeeds') {
      charge = await post(`${paymentsUrl}/charge`);
      await charge.text();
    }
    if (!charge.ok && shape === 'payments_fails_orders_falls_back') {
      log.info('orders: payment unavailable, order accepted for later charging', { id });
      return { accepted: true, degraded: true };
    }
    if (!charge.ok || shape === 'orders_fails') return reply.code(500).send({ error: 'order failed' });
    log.info('orders: order placed', { id });
    return { placed: true };
  });
  await orders.listen({ port: 0, host: '127.0.0.1' });
  const ordersUrl = `http://127.0.0.1:${(orders.server.address() as { port: number }).port}`;

  // edge (Express): passes the order on and answers with orders' status.
  const edgeLogging = loggingFor('edge');
  const edgeApp = express();
  edgeApp.use(logweaveExpress(edgeLogging));
  edgeApp.use(express.json());
  edgeApp.post('/checkout', async (req: ExpressRequest, res: ExpressResponse) => {
    const log = edgeLogging.getLogger('edge');
    const { shape, id } = req.body as { shape: Shape; id: string };
    log.info('edge: checkout received', { id });
    const answer = await fetchWithContext(`${ordersUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shape: shapeOf(shape), id }),
    });
    await answer.text();
    log.info('edge: orders answered', { id, status: answer.status });
    if (shape === 'edge_logs_error') log.error('edge: receipt could not be rendered', { id });
    res.status(answer.ok ? 200 : 502).json({ id });
  });
  const edge = await listen(edgeApp);

  return {
    edgeUrl: `${edge.url}/checkout`,
    async records() {
      const result = new Map<Service, ReadableLogRecord[]>();
      for (const service of SERVICES) {
        await pipelines.get(service)?.forceFlush();
        result.set(service, [...(exporters.get(service)?.getFinishedLogRecords() ?? [])]);
      }
      return result;
    },
    async close() {
      await edge.close();
      await orders.close();
      await inventory.close();
      await payments.close();
      for (const logging of pipelines.values()) await logging.shutdown();
    },
  };
}
