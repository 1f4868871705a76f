/*
 * logweave/pino: a pino destination into logweave's pipeline. Level, time, msg, err and bindings
 * mapping; the module binding as instrumentation scope (per-module rules, error buffer); the gate
 * before parsing and, with the logMethod hook, before serialising; the caller's context under
 * concurrency; pino's own output beside it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import pino from 'pino';
import { logweavePino } from '../../integrations/pino/index.ts';
import { LogweaveConfigError, markRequestFailed, runWithRequestContext } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

function lines(): { stream: { write(line: string): void }; written: string[] } {
  const written: string[] = [];
  return { stream: { write: (line: string) => void written.push(line) }, written };
}

function millisOf(record: ReadableLogRecord): number {
  return record.hrTime[0] * 1000 + Math.round(record.hrTime[1] / 1e6);
}

describe('logweave/pino: mapping a pino line', () => {
  test('level, time, msg, err, bindings and the merge object', async () => {
    const memory = memoryPipeline({ level: 'trace' });
    const destination = logweavePino(memory.logging);
    const logger = pino({ level: 'trace', customLevels: { audit: 35 } }, destination);
    const before = Date.now();
    logger.trace('t');
    logger.debug('d');
    logger.info({ orderId: 7, nested: { a: [1, 'two'] } }, 'order %s', 'stored');
    logger.warn('w');
    const failure = Object.assign(new Error('card declined'), { code: 'E_CARD' });
    logger.error({ err: failure, amount: 42 }, 'charge failed');
    logger.fatal('f');
    logger.audit('custom level');
    logger.child({ tenant: 'acme' }).info('from a child');
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [record.body, record.severityNumber, record.severityText]),
      [
        ['t', SeverityNumber.TRACE, 'trace'],
        ['d', SeverityNumber.DEBUG, 'debug'],
        ['order stored', SeverityNumber.INFO, 'info'],
        ['w', SeverityNumber.WARN, 'warn'],
        ['charge failed', SeverityNumber.ERROR, 'error'],
        ['f', SeverityNumber.FATAL, 'fatal'],
        // As instrumentation-pino maps custom levels: 35 sits between info (30) and warn (40).
        ['custom level', SeverityNumber.INFO3, 'audit'],
        ['from a child', SeverityNumber.INFO, 'info'],
      ],
    );
    for (const record of records) {
      assert.equal(record.instrumentationScope.name, 'pino', 'no module binding: the default module');
      assert.ok(millisOf(record) >= before && millisOf(record) <= Date.now(), 'pino time is the timestamp');
      assert.equal(record.attributes['pid'], undefined, 'pid is the resource, not an attribute');
      assert.equal(record.attributes['hostname'], undefined);
      assert.equal(record.attributes['level'], undefined);
      assert.equal(record.attributes['time'], undefined);
      assert.equal(record.attributes['msg'], undefined);
    }
    assert.deepEqual(records[2]?.attributes, { orderId: 7, nested: { a: [1, 'two'] } });
    const error = records[4]!.attributes;
    assert.equal(error['exception.type'], 'Error');
    assert.equal(error['exception.message'], 'card declined');
    assert.match(String(error['exception.stacktrace']), /^Error: card declined\n\s+at /);
    assert.deepEqual(error['err'], { code: 'E_CARD' }, 'the error’s other fields stay under its key');
    assert.equal(error['amount'], 42);
    assert.equal(records[7]?.attributes['tenant'], 'acme');
  });

  test('pino time formats: epoch milliseconds, unix seconds, ISO strings, none', async () => {
    const memory = memoryPipeline();
    const destination = logweavePino(memory.logging);
    const before = Date.now();
    pino({ timestamp: pino.stdTimeFunctions.epochTime }, destination).info('epoch');
    pino({ timestamp: pino.stdTimeFunctions.unixTime }, destination).info('unix');
    pino({ timestamp: pino.stdTimeFunctions.isoTime }, destination).info('iso');
    pino({ timestamp: false }, destination).info('none');
    const records = await memory.records();
    await memory.shutdown();
    for (const record of records) {
      const slack = record.body === 'unix' ? 1000 : 0;
      assert.ok(
        millisOf(record) >= before - slack && millisOf(record) <= Date.now() + slack,
        `${String(record.body)}: ${millisOf(record)} not near ${before}`,
      );
      assert.equal(record.attributes['time'], undefined);
    }
  });

  test("custom messageKey and errorKey are read from the logger; 'error' is mapped too", async () => {
    const memory = memoryPipeline();
    const destination = logweavePino(memory.logging);
    const logger = pino({ messageKey: 'message', errorKey: 'failure' }, destination);
    logger.error({ failure: new TypeError('bad input') }, 'with failure');
    logger.error(
      { error: { type: 'RangeError', message: 'too big', stack: 'RangeError: too big' } },
      'with error',
    );
    logger.info({ error: 'just a string' }, 'not an error object');
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [
        record.body,
        record.attributes['exception.type'],
        record.attributes['exception.message'],
      ]),
      [
        ['with failure', 'TypeError', 'bad input'],
        ['with error', 'RangeError', 'too big'],
        ['not an error object', undefined, undefined],
      ],
    );
    assert.equal(records[0]?.attributes['message'], undefined);
    assert.equal(records[2]?.attributes['error'], 'just a string');
  });

  test('the module binding is the instrumentation scope, not an attribute; moduleKey is configurable', async () => {
    const memory = memoryPipeline();
    const logger = pino(logweavePino(memory.logging));
    logger.child({ module: 'payments.stripe' }).info('charged');
    logger.child({ module: 'payments' }).child({ step: 2 }).info('inherited');
    logger.child({ module: 'payments' }).child({ module: 'payments.refunds' }).info('overridden');
    const custom = pino(logweavePino(memory.logging, { moduleKey: 'component', defaultModule: 'app' }));
    custom.info('default');
    custom.child({ component: 'inventory' }).info('component');
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [record.body, record.instrumentationScope.name, record.attributes['module']]),
      [
        ['charged', 'payments.stripe', undefined],
        ['inherited', 'payments', undefined],
        ['overridden', 'payments.refunds', undefined],
        ['default', 'app', undefined],
        ['component', 'inventory', undefined],
      ],
    );
    assert.equal(records[1]?.attributes['step'], 2);
    assert.equal(records[4]?.attributes['component'], undefined);
  });

  test('lines written without pino metadata, and lines that are not JSON, are kept', async () => {
    const memory = memoryPipeline();
    const destination = logweavePino(memory.logging);
    destination.write('{"level":40,"time":1700000000000,"module":"relay","msg":"relayed","x":1}\n');
    destination.write('{"level":"error","msg":"labelled level"}\n');
    destination.write('plain text, not JSON\n');
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => [record.body, record.severityNumber, record.instrumentationScope.name]),
      [
        ['relayed', SeverityNumber.WARN, 'relay'],
        ['labelled level', SeverityNumber.ERROR, 'pino'],
        ['plain text, not JSON', SeverityNumber.INFO, 'pino'],
      ],
    );
    assert.equal(millisOf(records[0]!), 1_700_000_000_000);
    assert.deepEqual(records[0]?.attributes, { x: 1 });
  });

  test('attributes are bounded by the pipeline limits, like the facade', async () => {
    const memory = memoryPipeline({ limits: { attributeValueLengthLimit: 16, maxCollectionEntries: 4 } });
    const logger = pino(logweavePino(memory.logging));
    logger.info(
      { long: 'x'.repeat(1000), list: [1, 2, 3, 4, 5, 6], ['__proto__']: { polluted: true } },
      'big',
    );
    const [record] = await memory.records();
    await memory.shutdown();
    assert.equal(record?.attributes['long'], 'x'.repeat(16));
    assert.deepEqual(record?.attributes['list'], [1, 2, 3, 4, '[2 more items]']);
    assert.deepEqual(record?.attributes['[__proto__]'], { polluted: true });
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  test('invalid options throw LogweaveConfigError naming the field', () => {
    const memory = memoryPipeline();
    assert.throws(
      () => logweavePino(memory.logging, { moduleKey: '' }),
      (error: unknown) => error instanceof LogweaveConfigError && error.path === 'logweavePino.moduleKey',
    );
    assert.throws(
      () => logweavePino(memory.logging, { modul: 'x' } as never),
      (error: unknown) => error instanceof LogweaveConfigError && error.path === 'logweavePino',
    );
    assert.throws(
      () => logweavePino({} as never),
      (error: unknown) => error instanceof LogweaveConfigError && error.path === 'logweavePino.logging',
    );
    return memory.shutdown();
  });
});

describe('logweave/pino: sampling, request context, pino output', () => {
  const sampling = {
    default: { info: 1 },
    modules: { payments: { info: 0 }, 'payments.stripe': { info: 1 } },
    errorBuffer: {},
  };

  test('per-module rules govern child loggers, and the error buffer keeps a failed request’s pino lines', async () => {
    const memory = memoryPipeline({ sampling });
    const logger = pino(logweavePino(memory.logging));
    const payments = logger.child({ module: 'payments' });
    const stripe = logger.child({ module: 'payments.stripe' });
    for (const outcome of ['ok', 'failed'] as const) {
      runWithRequestContext({ requestId: outcome }, () => {
        payments.info('payments line');
        stripe.info('stripe line');
        if (outcome === 'failed') markRequestFailed();
      });
    }
    const records = await memory.records();
    // After shutdown: held lines wait out the grace period until then (or until it is over).
    await memory.shutdown();
    const stats = memory.logging.stats();
    assert.deepEqual(
      records.map((record) => [record.attributes['request.id'], record.body]),
      [
        ['ok', 'stripe line'],
        ['failed', 'stripe line'],
        ['failed', 'payments line'],
      ],
    );
    assert.equal(records[2]?.attributes['logweave.sampling.rule'], 'error_buffer');
    assert.equal(stats.dropped.sampled_out, 1);
  });

  test('a sampled-out line is not parsed; with the logMethod hook and logweave alone it is not even serialised', async () => {
    const memory = memoryPipeline({ sampling: { default: { info: 0, debug: 0 } } });
    const destination = logweavePino(memory.logging);
    let serialised = 0;
    // formatters.log runs while pino builds the JSON line: it counts serialisations.
    const formatters = { log: (object: Record<string, unknown>) => (serialised++, object) };
    const hooked = pino({ formatters, hooks: { logMethod: destination.logMethod } }, destination);
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => (
      parsed++,
      parse(text, reviver)
    )) as typeof parse;
    const plain = pino({ formatters }, destination);
    // The first line of a logger also reads its bindings once (pino's bindings() parses them).
    hooked.error('warm-up');
    plain.error('warm-up');
    serialised = 0;
    parsed = 0;
    try {
      for (let i = 0; i < 100; i++) hooked.info({ i }, 'dropped');
      hooked.error('kept');
      assert.equal(serialised, 1, 'only the kept line was serialised');
      assert.equal(parsed, 1, 'only the kept line was parsed');
      // Without the hook pino serialises each line (its other streams need it); logweave still
      // drops it before parsing.
      serialised = 0;
      parsed = 0;
      for (let i = 0; i < 100; i++) plain.info({ i }, 'dropped');
      assert.equal(serialised, 100);
      assert.equal(parsed, 0, 'dropped lines are never parsed');
    } finally {
      JSON.parse = parse;
    }
    const records = await memory.records();
    const stats = memory.logging.stats();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => record.body),
      ['warm-up', 'warm-up', 'kept'],
    );
    assert.equal(stats.dropped.sampled_out, 200);
  });

  test('with other streams beside it (multistream) the hook never skips a line: pino’s output keeps every one', async () => {
    const memory = memoryPipeline({ sampling: { default: { info: 0 } } });
    const destination = logweavePino(memory.logging);
    const stdout = lines();
    const logger = pino(
      { hooks: { logMethod: destination.logMethod } },
      pino.multistream([{ stream: stdout.stream }, { stream: destination }]),
    );
    runWithRequestContext({ requestId: 'r-1' }, () => {
      for (let i = 0; i < 10; i++) logger.info({ i }, 'sampled out of logweave');
      logger.error('kept');
    });
    const records = await memory.records();
    await memory.shutdown();
    assert.equal(stdout.written.length, 11);
    assert.match(stdout.written[0] ?? '', /"msg":"sampled out of logweave"/);
    assert.deepEqual(
      records.map((record) => [record.body, record.attributes['request.id']]),
      [['kept', 'r-1']],
    );
  });

  test('outside any request, a line naming its request id is decided like the facade’s record of that id', async () => {
    const memory = memoryPipeline({ sampling: { default: { info: 0.5 } } });
    const logger = pino(logweavePino(memory.logging));
    const facade = memory.logging.getLogger('pino');
    for (let i = 0; i < 200; i++) {
      logger.info({ 'request.id': `outside-${i}` }, 'pino line');
      facade.info('facade line', { 'request.id': `outside-${i}` });
    }
    const records = await memory.records();
    await memory.shutdown();
    const kept = (body: string): string[] =>
      records
        .filter((record) => record.body === body)
        .map((record) => String(record.attributes['request.id']));
    assert.deepEqual(kept('pino line'), kept('facade line'), 'the same request ids kept');
    assert.ok(
      kept('pino line').length > 50 && kept('pino line').length < 150,
      `${kept('pino line').length} of 200`,
    );
  });

  test('each line carries the request context of its caller, across 500 interleaved requests', async () => {
    const memory = memoryPipeline();
    const logger = pino(logweavePino(memory.logging)).child({ module: 'orders' });
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        runWithRequestContext({ requestId: `req-${i}` }, async () => {
          for (let step = 0; step < 4; step++) {
            await new Promise((resolve) => setTimeout(resolve, (i * 7 + step) % 3));
            logger.child({ step }).info({ i }, 'step');
          }
        }),
      ),
    );
    const records = await memory.records();
    await memory.shutdown();
    assert.equal(records.length, 2000);
    for (const record of records) {
      assert.equal(record.attributes['request.id'], `req-${String(record.attributes['i'])}`);
    }
    const traces = new Map<string, Set<string | undefined>>();
    for (const record of records) {
      const id = String(record.attributes['request.id']);
      traces.set(id, (traces.get(id) ?? new Set()).add(record.spanContext?.traceId));
    }
    for (const [id, traceIds] of traces) assert.equal(traceIds.size, 1, `one trace for ${id}`);
  });
});
