/*
 * NestJS on both adapters (issue 17, "Done when" 3): controller and injected-service logs carry
 * the request id; a thrown HttpException(503) produces one `request failed` record with
 * `exception.*` (LogweaveExceptionFilter) and releases the lines sampling held back; Nest's own
 * responses stay as they were.
 *
 * The app is written without decorator syntax, which Node's type stripping does not accept:
 * Nest's decorators are applied as the functions they are (`Controller('orders')(Class)`,
 * `Get(':id')(prototype, name, descriptor)`, `Inject(Service)(Class, undefined, 0)`).
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import {
  Controller,
  Get,
  HttpException,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  Param,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { logweaveExpress } from '../../integrations/express/index.ts';
import { logweaveFastify, logweaveServerOptions } from '../../integrations/fastify/index.ts';
import { LogweaveExceptionFilter } from '../../integrations/nest/index.ts';
import { tryGetRequestContext, type Logging } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';
import { send } from './support/http-fixtures.ts';

const REQUESTS = 300;

function delay(seed: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, (seed * 7919) % 4));
}

/** The Nest app's classes, bound to one pipeline. */
function appModule(logging: Logging, filterAsProvider: boolean): new () => unknown {
  const controllerLog = logging.getLogger('orders.controller');
  const serviceLog = logging.getLogger('orders.service');
  // Sampled out (rate 0): only the error buffer keeps these, for failed requests.
  const auditLog = logging.getLogger('orders.audit');

  class OrdersService {
    async find(id: string): Promise<{ id: string; requestId: string | undefined }> {
      await delay(id.length);
      serviceLog.info('service: find', { 'order.id': id });
      auditLog.info('audit: looked up', { 'order.id': id });
      await delay(id.length + 1);
      if (id.startsWith('fail')) throw new HttpException('payments unavailable', 503);
      if (id.startsWith('missing')) throw new NotFoundException(`no order ${id}`);
      return { id, requestId: tryGetRequestContext()?.requestId };
    }
  }
  Injectable()(OrdersService);

  class OrdersController {
    readonly orders: OrdersService;
    constructor(orders: OrdersService) {
      this.orders = orders;
    }
    async get(id: string): Promise<unknown> {
      controllerLog.info('controller: get', { 'order.id': id });
      return this.orders.find(id);
    }
  }
  Controller('orders')(OrdersController);
  Inject(OrdersService)(OrdersController, undefined, 0);
  const get = Object.getOwnPropertyDescriptor(OrdersController.prototype, 'get')!;
  Param('id')(OrdersController.prototype, 'get', 0);
  Get(':id')(OrdersController.prototype, 'get', get);

  class AppModule {}
  Module({
    controllers: [OrdersController],
    providers: [
      OrdersService,
      ...(filterAsProvider ? [{ provide: APP_FILTER, useClass: LogweaveExceptionFilter }] : []),
    ],
  })(AppModule);
  return AppModule;
}

async function startExpressApp(logging: Logging): Promise<INestApplication> {
  const app = await NestFactory.create(appModule(logging, false), new ExpressAdapter(), { logger: false });
  app.use(logweaveExpress(logging));
  app.useGlobalFilters(new LogweaveExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  await app.listen(0, '127.0.0.1');
  return app;
}

async function startFastifyApp(logging: Logging): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    appModule(logging, true),
    new FastifyAdapter(logweaveServerOptions(logging)),
    { logger: false },
  );
  await app.register(logweaveFastify, { logging });
  await app.listen(0, '127.0.0.1');
  return app;
}

function idOf(i: number): string {
  if (i % 10 === 0) return `fail-${i}`;
  if (i % 10 === 5) return `missing-${i}`;
  return `ok-${i}`;
}

async function checkAdapter(start: (logging: Logging) => Promise<INestApplication>): Promise<void> {
  const memory = memoryPipeline({
    serviceName: 'nest',
    sampling: {
      default: { info: 1 },
      modules: { 'orders.audit': { info: 0 } },
      warnAllowlist: ['logweave.http'],
      errorBuffer: {},
    },
  });
  const app = await start(memory.logging);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 100 });
  try {
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        send(`http://127.0.0.1:${port}/orders/${idOf(i)}`, {
          agent,
          headers: i % 2 === 0 ? { 'x-request-id': `nest-${i}` } : {},
        }),
      ),
    );
    const records = await memory.records();
    const byRequest = new Map<string, ReadableLogRecord[]>();
    for (const record of records) {
      const requestId = record.attributes['request.id'];
      assert.equal(typeof requestId, 'string', `record "${String(record.body)}" has no request id`);
      byRequest.set(requestId as string, [...(byRequest.get(requestId as string) ?? []), record]);
    }
    assert.equal(byRequest.size, REQUESTS, 'no record with a foreign or missing request id');
    for (const [i, response] of responses.entries()) {
      const id = idOf(i);
      const requestId = String(response.headers['x-request-id']);
      if (i % 2 === 0) assert.equal(requestId, `nest-${i}`);
      const own = byRequest.get(requestId) ?? [];
      const bodies = own.map((record) => String(record.body));
      for (const record of own) {
        const orderId = record.attributes['order.id'];
        if (orderId !== undefined) assert.equal(orderId, id, `record of ${id} in request ${requestId}`);
      }
      assert.ok(bodies.includes('controller: get'), `${id}: the controller's record`);
      assert.ok(bodies.includes('service: find'), `${id}: the injected service's record`);
      if (id.startsWith('fail')) {
        assert.equal(response.status, 503);
        assert.deepEqual(JSON.parse(response.body), { statusCode: 503, message: 'payments unavailable' });
        const failures = own.filter((record) => record.body === 'request failed');
        assert.equal(failures.length, 1, `${id}: one request failed record`);
        assert.equal(failures[0]?.severityText, 'ERROR');
        assert.equal(failures[0]?.attributes['exception.type'], 'HttpException');
        assert.equal(failures[0]?.attributes['exception.message'], 'payments unavailable');
        assert.match(
          String(failures[0]?.attributes['exception.stacktrace']),
          /HttpException: payments unavailable/,
        );
        const audit = own.find((record) => record.body === 'audit: looked up');
        assert.ok(audit, `${id}: the held audit line is released`);
        assert.equal(audit.attributes['logweave.sampling.rule'], 'error_buffer');
        const access = own.find((record) => record.body === 'request completed');
        assert.equal(access?.attributes['http.response.status_code'], 503);
      } else if (id.startsWith('missing')) {
        assert.equal(response.status, 404);
        const failures = own.filter((record) => record.body === 'request failed');
        assert.equal(failures.length, 1);
        assert.equal(failures[0]?.severityText, 'WARN', 'a 4xx HttpException is a warning');
        assert.ok(!bodies.includes('audit: looked up'), `${id}: a 4xx does not fail the request`);
      } else {
        assert.equal(response.status, 200);
        assert.deepEqual(JSON.parse(response.body), { id, requestId });
        assert.deepEqual(bodies.sort(), ['controller: get', 'request completed', 'service: find']);
      }
      const traceIds = new Set(own.map((record) => record.spanContext?.traceId));
      assert.equal(traceIds.size, 1, `${id}: one trace`);
    }
  } finally {
    agent.destroy();
    await app.close();
    await memory.shutdown();
  }
}

describe(`NestJS: ${REQUESTS} concurrent requests, request context and LogweaveExceptionFilter`, () => {
  test('Express adapter (logweaveExpress, useGlobalFilters)', () => checkAdapter(startExpressApp));
  test('Fastify adapter (logweaveFastify, logweaveServerOptions, APP_FILTER)', () =>
    checkAdapter(startFastifyApp));
});
