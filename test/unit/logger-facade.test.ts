import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Logging, LoggingOptions } from '../../src/index.ts';
import { collect } from '../helpers/memory-pipeline.ts';

async function capture(emit: (logging: Logging) => void, options: LoggingOptions = {}) {
  return (await collect(emit, options)).records;
}

describe('logger facade', () => {
  test('each method emits its OTel severity, with the module as instrumentation scope', async () => {
    const records = await capture(
      (logging) => {
        const log = logging.getLogger('payments.stripe');
        log.trace('t');
        log.debug('d');
        log.info('i');
        log.warn('w');
        log.error('e');
        log.fatal('f');
      },
      { level: 'trace' },
    );
    assert.deepEqual(
      records.map((r) => [r.severityNumber, r.severityText, r.body, r.instrumentationScope.name]),
      [
        [1, 'TRACE', 't', 'payments.stripe'],
        [5, 'DEBUG', 'd', 'payments.stripe'],
        [9, 'INFO', 'i', 'payments.stripe'],
        [13, 'WARN', 'w', 'payments.stripe'],
        [17, 'ERROR', 'e', 'payments.stripe'],
        [21, 'FATAL', 'f', 'payments.stripe'],
      ],
    );
  });

  test('error(message, err) and { err } record exception.* attributes', async () => {
    class PaymentDeclined extends Error {
      override name = 'PaymentDeclined';
    }
    const records = await capture((logging) => {
      const log = logging.getLogger('payments');
      log.error('charge failed', new PaymentDeclined('card declined'));
      log.error('charge failed', { err: new TypeError('bad amount'), orderId: 7 });
      log.warn('retrying', { err: 'timeout' });
    });
    const [first, second, third] = records;
    assert.equal(first?.attributes['exception.type'], 'PaymentDeclined');
    assert.equal(first?.attributes['exception.message'], 'card declined');
    assert.match(String(first?.attributes['exception.stacktrace']), /PaymentDeclined: card declined/);
    assert.equal(second?.attributes['exception.type'], 'TypeError');
    assert.equal(second?.attributes['orderId'], 7);
    assert.equal(second?.attributes['err'], undefined, 'err is turned into exception.*, not kept as is');
    assert.equal(third?.attributes['exception.message'], 'timeout');
  });

  test('child loggers carry their bindings; call-site attributes win', async () => {
    const records = await capture((logging) => {
      const log = logging.getLogger('orders').child({ tenant: 'acme', region: 'eu' });
      log.info('placed', { region: 'us' });
      log.child({ step: 2 }).info('shipped');
    });
    assert.deepEqual(records[0]?.attributes, { tenant: 'acme', region: 'us' });
    assert.deepEqual(records[1]?.attributes, { tenant: 'acme', region: 'eu', step: 2 });
  });

  test('the level gate makes lower severities no-ops and isEnabled reports it', async () => {
    let enabled: Record<string, boolean> = {};
    const records = await capture(
      (logging) => {
        const log = logging.getLogger('gate');
        enabled = { debug: log.isEnabled('debug'), warn: log.isEnabled('warn') };
        log.info('dropped by level');
        log.warn('kept');
      },
      { level: 'warn' },
    );
    assert.deepEqual(enabled, { debug: false, warn: true });
    assert.deepEqual(
      records.map((r) => r.body),
      ['kept'],
    );
  });

  test('hostile arguments never throw into the caller', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const throwing = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    const records = await capture((logging) => {
      const log = logging.getLogger('hostile');
      log.info('cyclic', cyclic);
      log.info('throwing getter', throwing);
      log.info('odd values', { big: 10n, when: new Date(0), fn: () => 1, sym: Symbol('s'), nan: Number.NaN });
      log.info(42 as unknown as string);
    });
    const byBody = new Map(records.map((record) => [record.body, record]));
    assert.deepEqual(byBody.get('cyclic')?.attributes, { name: 'loop', self: '[Circular]' });
    assert.deepEqual(byBody.get('odd values')?.attributes, {
      big: '10',
      when: '1970-01-01T00:00:00.000Z',
      fn: '[Function fn]',
      sym: 'Symbol(s)',
      nan: 'NaN',
    });
    assert.ok(byBody.has('42'), 'a non-string message is stringified');
  });
});
