import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROOT_CONTEXT, context, trace, TraceFlags } from '@opentelemetry/api';
import {
  createLogging,
  LogweaveConfigError,
  runWithRequestContext,
  SAMPLING_ATTRIBUTES,
  type SamplingOptions,
  type SeverityName,
} from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

/** Randomness ff…f: kept by every probability above 0, so the governing rule always shows. */
const ALWAYS_KEPT_TRACE = '4bf92f3577b34da6a3ffffffffffffff';
/** Randomness 0…01: dropped by every probability below 1. */
const ALWAYS_DROPPED_TRACE = '4bf92f3577b34da6a300000000000001';

function inTrace<T>(traceId: string, fn: () => T): T {
  const spanContext = { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
  return context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), fn);
}

const policy: SamplingOptions = {
  default: { trace: 0, debug: 0.5, info: 0.1 },
  warnAllowlist: ['payments', 'auth.*', 'cache.evicted'],
  modules: {
    payments: { info: 1 },
    'payments.webhooks': { debug: 0.01 },
    '*.webhooks': { info: 0.2, debug: 0.3 },
    'auth.*': { info: 0.5 },
    'auth.login': { info: 0.25 },
    '*.*.retry': { debug: 1 },
    'a.*.c': { info: 0.5 },
    '*.b.c': { info: 0.25 },
    healthcheck: { info: 0 },
    '@opentelemetry/instrumentation-pino': { info: 1 },
  },
};

/** module × severity → the rule that governs it (kept) or the reason it is dropped. */
const table: Array<[module: string, severity: SeverityName, outcome: string]> = [
  ['orders', 'info', 'default.info'],
  ['orders', 'debug', 'default.debug'],
  ['orders', 'trace', 'dropped:sampled_out'],
  ['orders', 'warn', 'dropped:not_allowlisted'],
  ['orders', 'error', 'error'],
  ['orders', 'fatal', 'fatal'],
  ['payments', 'info', 'payments.info'],
  ['payments.stripe', 'info', 'payments.info'],
  ['payments.stripe', 'debug', 'default.debug'],
  ['payments.stripe', 'warn', 'warn_allowlist'],
  ['payments.webhooks', 'debug', 'payments.webhooks.debug'],
  ['payments.webhooks', 'info', '*.webhooks.info'],
  ['payments.webhooks.stripe', 'debug', 'payments.webhooks.debug'],
  ['payments.webhooks.stripe', 'info', '*.webhooks.info'],
  ['orders.webhooks', 'info', '*.webhooks.info'],
  ['orders.webhooks', 'debug', '*.webhooks.debug'],
  ['auth', 'info', 'default.info'],
  ['auth', 'warn', 'dropped:not_allowlisted'],
  ['auth.signup', 'info', 'auth.*.info'],
  ['auth.signup.google', 'info', 'auth.*.info'],
  ['auth.login', 'info', 'auth.login.info'],
  ['auth.login', 'warn', 'warn_allowlist'],
  ['a.b.c', 'info', 'a.*.c.info'],
  ['x.y.retry', 'debug', '*.*.retry.debug'],
  ['x.y.retry.deep', 'debug', '*.*.retry.debug'],
  ['healthcheck', 'info', 'dropped:sampled_out'],
  ['healthcheck', 'error', 'error'],
  ['@opentelemetry/instrumentation-pino', 'info', '@opentelemetry/instrumentation-pino.info'],
];

describe('sampling rules', () => {
  test('inheritance table: module × severity → rule', () => {
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      level: 'trace',
      sampling: policy,
    });
    for (const [module, severity, outcome] of table) {
      const before = logging.stats();
      inTrace(ALWAYS_KEPT_TRACE, () => logging.getLogger(module)[severity]('x'));
      const after = logging.stats();
      const keptRules = Object.keys(after.kept).filter((rule) => after.kept[rule] !== before.kept[rule]);
      const droppedReasons = Object.keys(after.dropped).filter(
        (reason) =>
          after.dropped[reason as keyof typeof after.dropped] !==
          before.dropped[reason as keyof typeof before.dropped],
      );
      const observed = keptRules.length > 0 ? keptRules.join(',') : `dropped:${droppedReasons.join(',')}`;
      assert.equal(observed, outcome, `${module} ${severity}`);
    }
    void logging.shutdown();
  });

  test('a probability below 1 drops a trace whose randomness is under its threshold; ERROR still passes', () => {
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      level: 'trace',
      sampling: policy,
    });
    inTrace(ALWAYS_DROPPED_TRACE, () => {
      logging.getLogger('payments.webhooks').info('x'); // 0.2
      logging.getLogger('payments').info('x'); // 1
      logging.getLogger('payments').error('x');
    });
    const stats = logging.stats();
    assert.deepEqual(stats.kept, { 'payments.info': 1, error: 1 });
    assert.equal(stats.dropped.sampled_out, 1);
    void logging.shutdown();
  });

  test('WARN records whose event name is allow-listed are kept', async () => {
    const pipeline = memoryPipeline({ sampling: policy });
    const { logging } = pipeline;
    const otel = logging.loggerProvider.getLogger('orders');
    otel.emit({ severityNumber: 13, body: 'evicted', eventName: 'cache.evicted' });
    otel.emit({ severityNumber: 13, body: 'other', eventName: 'cache.missed' });
    assert.deepEqual(
      (await pipeline.records()).map((record) => record.body),
      ['evicted'],
    );
    assert.equal(logging.stats().kept['warn_allowlist'], 1);
    assert.equal(logging.stats().dropped.not_allowlisted, 1);
    await logging.shutdown();
  });

  test('records from other sources are governed by their scope name', async () => {
    const pipeline = memoryPipeline({
      sampling: { default: { info: 0 }, modules: { '@opentelemetry/instrumentation-pino': { info: 1 } } },
    });
    const { logging } = pipeline;
    logging.loggerProvider
      .getLogger('@opentelemetry/instrumentation-pino')
      .emit({ severityNumber: 9, body: 'from pino' });
    logging.loggerProvider
      .getLogger('@opentelemetry/instrumentation-winston')
      .emit({ severityNumber: 9, body: 'from winston' });
    assert.deepEqual(
      (await pipeline.records()).map((record) => record.body),
      ['from pino'],
    );
    await logging.shutdown();
  });

  test('with no sampling configuration every record is kept', async () => {
    const pipeline = memoryPipeline({ level: 'trace' });
    const { logging } = pipeline;
    const log = logging.getLogger('anything');
    inTrace(ALWAYS_DROPPED_TRACE, () => {
      for (const severity of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)
        log[severity]('x');
    });
    log.warn('outside a trace');
    const records = await pipeline.records();
    assert.equal(records.length, 7);
    assert.deepEqual(logging.stats().kept, { default: 7 });
    assert.equal(records[0]?.attributes[SAMPLING_ATTRIBUTES.rule], undefined);
    await logging.shutdown();
  });

  test('isEnabled() answers from the compiled policy, and a record the gate drops is counted', () => {
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      level: 'trace',
      sampling: { default: { debug: 0, info: 0.1 } },
    });
    const log = logging.getLogger('orders');
    assert.equal(log.isEnabled('debug'), false);
    assert.equal(log.isEnabled('error'), true);
    inTrace(ALWAYS_KEPT_TRACE, () => assert.equal(log.isEnabled('info'), true));
    inTrace(ALWAYS_DROPPED_TRACE, () => assert.equal(log.isEnabled('info'), false));
    inTrace(ALWAYS_DROPPED_TRACE, () => log.info('never created'));
    assert.equal(logging.stats().dropped.sampled_out, 3);
    assert.equal(logging.stats().emitted, 0, 'dropped at the gate: no record was created');
    void logging.shutdown();
  });

  test('with an error buffer the gate lets records of a request through, so they can be held', () => {
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      sampling: { default: { info: 0 }, errorBuffer: {} },
    });
    const log = logging.getLogger('orders');
    assert.equal(log.isEnabled('info'), false, 'outside a request nothing waits for the record');
    runWithRequestContext({}, () => assert.equal(log.isEnabled('info'), true));
    void logging.shutdown();
  });

  test('invalid rules are rejected with the path of the field, what was expected and what was found', () => {
    const cases: Array<[SamplingOptions, string, RegExp]> = [
      [{ default: { info: 1.5 } }, 'options.sampling.default.info', /at most 1/],
      [{ default: { info: 1e-20 } }, 'options.sampling.default.info', /0, or between 2\^-56 and 1/],
      [
        { modules: { 'pay*ments': { info: 1 } } },
        'options.sampling.modules.pay*ments',
        /segments are names or "\*"/,
      ],
      [{ modules: { 'auth..x': { info: 1 } } }, 'options.sampling.modules.auth..x', /dotted module name/],
      [{ warnAllowlist: ['ok', 'bad name'] }, 'options.sampling.warnAllowlist.1', /dotted module name/],
      [
        { modules: { payments: { error: 0 } as never } },
        'options.sampling.modules.payments',
        /unknown keys.*"error"/,
      ],
      [{ errorBuffer: { maxRecords: -1 } }, 'options.sampling.errorBuffer.maxRecords', /at least 0/],
      [{ burst: { perTemplatePerSecond: 0 } }, 'options.sampling.burst.perTemplatePerSecond', /at least 1/],
    ];
    for (const [sampling, path, expected] of cases) {
      assert.throws(
        () => createLogging({ exporter: 'none', handleSignals: false, sampling }),
        (error: unknown) => {
          assert.ok(error instanceof LogweaveConfigError, String(error));
          assert.equal(error.path, path);
          assert.match(error.message, expected);
          return true;
        },
      );
    }
  });
});
