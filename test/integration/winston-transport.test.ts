/*
 * logweave/winston: a winston transport into logweave's pipeline. Level, message, error and meta
 * mapping (differentially against @opentelemetry/winston-transport); the module field as
 * instrumentation scope (per-module rules, error buffer); each record in the context it was
 * logged in, also when a slow transport beside it makes winston buffer.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api';
import { logs as apiLogsPackage } from '@opentelemetry/api-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import winston from 'winston';
import TransportStream from 'winston-transport';
import { LogweaveWinstonTransport } from '../../integrations/winston/index.ts';
import { LogweaveConfigError, markRequestFailed, runWithRequestContext } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

/** A transport that answers a second later than asked: winston buffers everything behind it. */
class SlowTransport extends TransportStream {
  override log(_info: unknown, next: () => void): void {
    setTimeout(next, 2);
  }
}

describe('logweave/winston: mapping a winston record', () => {
  const theirs = memoryPipeline({ level: 'trace' });
  apiLogsPackage.disable();
  apiLogsPackage.setGlobalLoggerProvider(theirs.logging.loggerProvider);
  after(() => theirs.shutdown());

  test('the same calls make the same records as @opentelemetry/winston-transport', async () => {
    const ours = memoryPipeline({ level: 'trace', registerGlobal: false });
    const logger = winston.createLogger({
      level: 'silly',
      defaultMeta: { service: 'orders' },
      transports: [new LogweaveWinstonTransport({ logging: ours.logging }), new OpenTelemetryTransportV3()],
    });
    runWithRequestContext({ requestId: 'same-request' }, () => {
      for (const level of ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const) {
        logger[level](`${level} line`, { orderId: 7, nested: { list: [1, 'a'] } });
      }
      logger.child({ tenant: 'acme' }).info('child line');
      logger.log({ level: 'info', message: 'direct', x: 1 });
    });
    const [theirRecords, ourRecords] = await Promise.all([theirs.records(), ours.records()]);
    await ours.shutdown();
    assert.equal(ourRecords.length, 9);
    const comparable = (record: ReadableLogRecord): unknown => [
      record.severityNumber,
      record.severityText,
      record.body,
      record.attributes,
      record.spanContext?.traceId,
    ];
    assert.deepEqual(ourRecords.map(comparable), theirRecords.map(comparable));
    assert.deepEqual(
      ourRecords.slice(0, 7).map((record) => record.severityNumber),
      [
        SeverityNumber.ERROR,
        SeverityNumber.WARN,
        SeverityNumber.INFO,
        SeverityNumber.DEBUG3,
        SeverityNumber.DEBUG2,
        SeverityNumber.DEBUG,
        SeverityNumber.TRACE,
      ],
    );
    assert.equal(ourRecords[0]?.attributes['service'], 'orders');
    assert.equal(ourRecords[0]?.attributes['request.id'], 'same-request');
    assert.equal(ourRecords[0]?.instrumentationScope.name, 'winston');
  });

  test('errors become exception.*, however winston carries them', async () => {
    const memory = memoryPipeline();
    const transport = (): LogweaveWinstonTransport =>
      new LogweaveWinstonTransport({ logging: memory.logging });
    const plain = winston.createLogger({ transports: [transport()] });
    const withErrorsFormat = winston.createLogger({
      format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()),
      transports: [transport()],
    });
    plain.error(Object.assign(new Error('bare error'), { code: 'E_BARE' }));
    plain.error('with err field', { err: new RangeError('in err'), orderId: 1 });
    plain.error('after the message', new TypeError('splat error'));
    withErrorsFormat.error(new Error('errors format'));
    plain.warn('a plain warning', { error: 'just text' });
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [
        record.body,
        record.attributes['exception.type'],
        record.attributes['exception.message'],
        typeof record.attributes['exception.stacktrace'],
      ]),
      [
        ['bare error', 'Error', 'bare error', 'string'],
        ['with err field', 'RangeError', 'in err', 'string'],
        ['after the message splat error', 'Error', 'after the message splat error', 'string'],
        ['errors format', 'Error', 'errors format', 'string'],
        ['a plain warning', undefined, undefined, 'undefined'],
      ],
    );
    assert.equal(records[0]?.attributes['code'], 'E_BARE');
    assert.equal(records[1]?.attributes['orderId'], 1);
    assert.equal(records[1]?.attributes['err'], undefined);
    assert.equal(records[2]?.attributes['stack'], undefined);
    assert.equal(records[4]?.attributes['error'], 'just text');
  });

  test('syslog levels, a colorized level, the module field and moduleKey', async () => {
    const memory = memoryPipeline({ level: 'trace' });
    const syslog = winston.createLogger({
      levels: winston.config.syslog.levels,
      level: 'debug',
      format: winston.format.colorize(),
      transports: [new LogweaveWinstonTransport({ logging: memory.logging })],
    });
    syslog.emerg('emerg');
    syslog.crit('crit');
    syslog.warning('warning');
    syslog.notice('notice');
    syslog.child({ module: 'payments.stripe' }).info('from payments');
    const custom = winston.createLogger({
      transports: [
        new LogweaveWinstonTransport({
          logging: memory.logging,
          moduleKey: 'component',
          defaultModule: 'app',
        }),
      ],
    });
    custom.info('default module');
    custom.child({ component: 'inventory' }).info('component');
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [record.body, record.severityNumber, record.instrumentationScope.name]),
      [
        ['emerg', SeverityNumber.FATAL3, 'winston'],
        ['crit', SeverityNumber.FATAL, 'winston'],
        ['warning', SeverityNumber.WARN, 'winston'],
        ['notice', SeverityNumber.INFO2, 'winston'],
        ['from payments', SeverityNumber.INFO, 'payments.stripe'],
        ['default module', SeverityNumber.INFO, 'app'],
        ['component', SeverityNumber.INFO, 'inventory'],
      ],
    );
    assert.equal(records[0]?.severityText, 'emerg', 'the level before colorize touched it');
    assert.equal(records[4]?.attributes['module'], undefined);
  });

  test('invalid options throw LogweaveConfigError naming the field', () => {
    const memory = memoryPipeline();
    assert.throws(
      () => new LogweaveWinstonTransport({ logging: memory.logging, moduleKey: '' }),
      (error: unknown) =>
        error instanceof LogweaveConfigError && error.path === 'LogweaveWinstonTransport.moduleKey',
    );
    assert.throws(
      () => new LogweaveWinstonTransport({ logging: memory.logging, format: winston.format.json() } as never),
      (error: unknown) =>
        error instanceof LogweaveConfigError && error.path === 'LogweaveWinstonTransport.format',
    );
    assert.throws(
      () => new LogweaveWinstonTransport({ logging: memory.logging, modul: 'x' } as never),
      (error: unknown) => error instanceof LogweaveConfigError && error.path === 'LogweaveWinstonTransport',
    );
    assert.throws(
      () => new LogweaveWinstonTransport({} as never),
      (error: unknown) =>
        error instanceof LogweaveConfigError && error.path === 'LogweaveWinstonTransport.logging',
    );
    return memory.shutdown();
  });
});

describe('logweave/winston: sampling and request context', () => {
  test('per-module rules govern child loggers, and the error buffer keeps a failed request’s records', async () => {
    const memory = memoryPipeline({
      sampling: { default: { info: 1 }, modules: { payments: { info: 0 } }, errorBuffer: {} },
    });
    const logger = winston.createLogger({
      transports: [new LogweaveWinstonTransport({ logging: memory.logging })],
    });
    const payments = logger.child({ module: 'payments' });
    for (const outcome of ['ok', 'failed'] as const) {
      runWithRequestContext({ requestId: outcome }, () => {
        payments.info('payments line');
        logger.info('app line');
        if (outcome === 'failed') markRequestFailed();
      });
    }
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [record.attributes['request.id'], record.body]),
      [
        ['ok', 'app line'],
        ['failed', 'app line'],
        ['failed', 'payments line'],
      ],
    );
  });

  test('each record keeps the context it was logged in, while a slow transport beside it holds winston back', async () => {
    const memory = memoryPipeline();
    const logger = winston.createLogger({
      transports: [new SlowTransport(), new LogweaveWinstonTransport({ logging: memory.logging })],
    });
    const orders = logger.child({ module: 'orders' });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        runWithRequestContext({ requestId: `req-${i}` }, async () => {
          for (let step = 0; step < 3; step++) {
            await new Promise((resolve) => setTimeout(resolve, (i * 7 + step) % 3));
            orders.info('step', { i, step });
          }
        }),
      ),
    );
    // winston delivers what it buffered as the slow transport answers.
    for (let waited = 0; waited < 20_000; waited += 20) {
      if ((await memory.records()).length >= 900) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const records = await memory.records();
    await memory.shutdown();
    assert.equal(records.length, 900);
    for (const record of records) {
      assert.equal(record.attributes['request.id'], `req-${String(record.attributes['i'])}`);
    }
  });
});
