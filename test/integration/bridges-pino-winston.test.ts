/*
 * The instrumentation path for existing pino, winston and bunyan calls (the README's recipe, as
 * written): the OTel instrumentations send their records into `logging.loggerProvider`, so they
 * get the request id, the trace and span ids, redaction and the sampling policy, like the
 * facade's records. `npm run test:latest-instrumentations` runs this file against the newest
 * releases of the three instrumentations, not only the versions package.json pins.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { logs, SeverityNumber } from '@opentelemetry/api';
import { logs as apiLogsPackage } from '@opentelemetry/api-logs';
import { BunyanInstrumentation } from '@opentelemetry/instrumentation-bunyan';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import express, { type NextFunction, type Request, type Response } from 'express';
import type PinoModule from 'pino';
import type WinstonModule from 'winston';
import { logweaveExpress, logweaveExpressErrors } from '../../integrations/express/index.ts';
import { attribute, listen, memoryLogging, send } from './support/http-fixtures.ts';

const PINO_SCOPE = '@opentelemetry/instrumentation-pino';
const BUNYAN_SCOPE = '@opentelemetry/instrumentation-bunyan';
// Winston's records are sent by the transport package, under its own scope name.
const WINSTON_SCOPE = '@opentelemetry/winston-transport';

const { logging, records } = memoryLogging('bridges', {
  // pino INFO is sampled out entirely (so the error buffer is what keeps it for failed requests).
  sampling: { default: { info: 1 }, modules: { [PINO_SCOPE]: { info: 0 } }, errorBuffer: {} },
});
// Both globals: instrumentation-pino (since 0.70) and -bunyan log through the logs API inside
// @opentelemetry/api, @opentelemetry/winston-transport through @opentelemetry/api-logs; neither
// reads the provider handed to registerInstrumentations. createLogging() registers its provider
// in both (with one global only, one of them would silently deliver nothing).
assert.equal(
  logs.getLoggerProvider(),
  logging.loggerProvider,
  'the @opentelemetry/api logs global is logweave',
);
assert.equal(
  apiLogsPackage.getLoggerProvider(),
  logging.loggerProvider,
  'the @opentelemetry/api-logs global is logweave',
);
registerInstrumentations({
  instrumentations: [new PinoInstrumentation(), new WinstonInstrumentation(), new BunyanInstrumentation()],
  loggerProvider: logging.loggerProvider,
});
// Loaded after the instrumentations, through require, so they are patched.
const require = createRequire(import.meta.url);
const pino = require('pino') as typeof PinoModule;
const winston = require('winston') as typeof WinstonModule;
// bunyan 1.x: instrumentation-bunyan supports `>=1.0.0 <2` (bunyan 2 is not instrumented).
const bunyan = require('bunyan') as {
  createLogger(options: object): { info(fields: object, message: string): void };
};

const pinoLines: string[] = [];
const pinoLogger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pinoLines.push(chunk.toString('utf8'));
      callback();
    },
  }),
);
const bunyanLines: string[] = [];
const bunyanLogger = bunyan.createLogger({
  name: 'orders',
  level: 'info',
  streams: [
    {
      level: 'info',
      stream: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          bunyanLines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    },
  ],
});
const winstonLogger = winston.createLogger({
  level: 'info',
  transports: [
    new winston.transports.Stream({ stream: new Writable({ write: (_c, _e, callback) => callback() }) }),
  ],
});

async function startApp(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(logweaveExpress(logging));
  app.use(express.json());
  app.post('/orders', async (req: Request, res: Response) => {
    const orderId = (req.body as { orderId: number }).orderId;
    // A timer before logging: the bridges must find the request's context after it.
    await new Promise((resolve) => setTimeout(resolve, 1));
    pinoLogger.info({ orderId }, 'pino: order received');
    winstonLogger.info('winston: order received', { orderId });
    bunyanLogger.info({ orderId }, 'bunyan: order received');
    if (orderId < 0) throw new Error('negative order id');
    // An ERROR record keeps the request's held-back story too (the error buffer flushes first).
    if (orderId % 5 === 0) pinoLogger.error({ orderId }, 'pino: order flagged');
    res.json({ orderId });
  });
  app.use(logweaveExpressErrors());
  app.use((_error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).send('failed');
  });
  return listen(createServer(app));
}

describe('pino, winston and bunyan through the OTel instrumentations into logweave', () => {
  after(() => logging.shutdown());

  test('their records carry the request id and trace of the request, and follow the sampling policy', async () => {
    const app = await startApp();
    try {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) => send(`${app.url}/orders`, { body: { orderId: index + 1 } })),
      );
      const all = await records();
      for (const [index, response] of responses.entries()) {
        const requestId = response.headers['x-request-id'];
        const own = all.filter((record) => attribute(record, 'request.id') === requestId);
        const access = own.find((record) => record.body === 'request completed');
        assert.ok(access, `access record of request ${index}`);
        const orderId = index + 1;
        const pinoRecords = own.filter((record) => record.instrumentationScope.name === PINO_SCOPE);
        const winstonInfo = own.filter((record) => record.instrumentationScope.name === WINSTON_SCOPE);
        const bunyanInfo = own.filter((record) => record.instrumentationScope.name === BUNYAN_SCOPE);
        // pino INFO is sampled out (rate 0) unless the request logs an ERROR, which is always
        // kept together with what the request logged before it; winston INFO is kept (default 1).
        assert.deepEqual(
          pinoRecords.map((record) => record.body),
          orderId % 5 === 0 ? ['pino: order received', 'pino: order flagged'] : [],
          `pino records of order ${orderId}`,
        );
        if (orderId % 5 === 0) {
          assert.equal(pinoRecords[1]?.severityNumber, SeverityNumber.ERROR);
          assert.equal(attribute(pinoRecords[1]!, 'orderId'), orderId);
        }
        assert.deepEqual(
          winstonInfo.map((record) => record.body),
          ['winston: order received'],
        );
        assert.equal(attribute(winstonInfo[0]!, 'orderId'), orderId);
        assert.equal(winstonInfo[0]?.severityNumber, SeverityNumber.INFO);
        assert.deepEqual(
          bunyanInfo.map((record) => record.body),
          ['bunyan: order received'],
        );
        assert.equal(attribute(bunyanInfo[0]!, 'orderId'), orderId);
        for (const record of [...pinoRecords, ...winstonInfo, ...bunyanInfo]) {
          assert.equal(record.spanContext?.traceId, access.spanContext?.traceId);
          assert.equal(record.spanContext?.spanId, access.spanContext?.spanId);
        }
      }
      // pino's own output still gets every line, with the trace ids (log correlation).
      const received = pinoLines.filter((line) => line.includes('pino: order received'));
      assert.equal(received.length, 50);
      assert.match(received[0] ?? '', /"trace_id":"[0-9a-f]{32}"/);
      assert.equal(bunyanLines.filter((line) => line.includes('bunyan: order received')).length, 50);
      assert.match(bunyanLines[0] ?? '', /"trace_id":"[0-9a-f]{32}"/);
      // Held back through the error buffer's grace period, then counted as dropped: none is lost.
      const stats = logging.stats();
      const dropped = Object.values(stats.dropped).reduce((sum, count) => sum + (count ?? 0), 0);
      assert.ok(
        dropped + stats.held >= 40,
        `the 40 held-back pino INFO records are held or counted as dropped: ${JSON.stringify(stats)}`,
      );
    } finally {
      await app.close();
    }
  });

  test('a failed request keeps the pino records sampling held back (error buffer)', async () => {
    const app = await startApp();
    try {
      const response = await send(`${app.url}/orders`, { body: { orderId: -1 } });
      assert.equal(response.status, 500);
      const own = (await records()).filter(
        (record) => attribute(record, 'request.id') === response.headers['x-request-id'],
      );
      const bodies = own.map((record) => String(record.body)).sort();
      assert.deepEqual(
        bodies,
        [
          'bunyan: order received',
          'pino: order received',
          'request completed',
          'request failed',
          'winston: order received',
        ].sort(),
      );
    } finally {
      await app.close();
    }
  });
});
