import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  createLogging,
  type LoggingOptions,
  runWithRequestContext,
  SAMPLING_ATTRIBUTES,
} from '../../src/index.ts';

/*
 * What a downstream Collector needs to continue logweave's decisions: its probabilistic sampler
 * (proportional mode) reads the randomness of a log record from `sampling.randomness`, else from
 * the trace id; it never sees the tracestate. So every record whose randomness is not its trace
 * id's must say it, whatever kept the record.
 */

const RV = 'f0123456789abc';
const TRACEPARENT = '00-4bf92f3577b34da6a30000000000000f-00f067aa0ba902b7-01';

function pipeline(options: LoggingOptions = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const logging = createLogging({
    exporter,
    handleSignals: false,
    diagnosticWriter: () => undefined,
    batch: { maxQueueSize: 100_000, maxExportBatchSize: 10_000 },
    ...options,
  });
  const records = async () => {
    await logging.forceFlush();
    const finished = exporter.getFinishedLogRecords();
    await logging.shutdown();
    return finished;
  };
  return { logging, records };
}

describe('sampling.randomness', () => {
  test('a trace with an explicit rv: written whatever kept the record', async () => {
    const { logging, records } = pipeline({
      level: 'debug',
      sampling: {
        // INFO at 1 (kept by the rule), DEBUG at 0.5 (kept by probability: rv f… is above 8…).
        default: { info: 1, debug: 0.5, warn: 0 },
        warnAllowlist: ['payments'],
        errorBuffer: {},
      },
    });
    runWithRequestContext({ traceparent: TRACEPARENT, tracestate: `ot=rv:${RV}` }, () => {
      logging.getLogger('orders').info('kept by a rule at 1');
      logging.getLogger('orders').debug('kept by probability');
      logging.getLogger('payments').warn('kept by the allow-list');
      logging.getLogger('orders').warn('held, then kept by the error buffer');
      logging.getLogger('orders').error('kept because ERROR');
    });
    const kept = await records();
    assert.equal(kept.length, 5);
    for (const record of kept) {
      assert.equal(record.attributes[SAMPLING_ATTRIBUTES.randomness], RV, String(record.body));
    }
  });

  test('a trace with an explicit rv and no sampling section: written too', async () => {
    const { logging, records } = pipeline();
    runWithRequestContext({ traceparent: TRACEPARENT, tracestate: `ot=th:0;rv:${RV}` }, () => {
      logging.getLogger('orders').info('unsampled');
      logging.getLogger('orders').error('unsampled error');
    });
    // Nothing is sampled without a section: a record outside any trace gets no attribute of ours.
    logging.getLogger('orders').info('outside any trace');
    const kept = await records();
    assert.deepEqual(
      kept.map((record) => record.attributes[SAMPLING_ATTRIBUTES.randomness]),
      [RV, RV, undefined],
    );
  });

  test('randomness from the trace id: not written (the Collector reads the trace id itself)', async () => {
    const { logging, records } = pipeline({ sampling: { default: { info: 1 } } });
    runWithRequestContext({ traceparent: TRACEPARENT }, () => {
      logging.getLogger('orders').info('a');
      logging.getLogger('orders').error('b');
    });
    for (const record of await records()) {
      assert.equal(record.attributes[SAMPLING_ATTRIBUTES.randomness], undefined);
    }
  });

  test('no trace: every kept record carries the randomness it was (or would be) decided by', async () => {
    const { logging, records } = pipeline({ sampling: { default: { info: 0.5 } } });
    const log = logging.getLogger('jobs');
    for (let index = 0; index < 200; index++) {
      log.info('outside any request');
      log.error('an error outside any request');
    }
    // A request always has a trace (a new one when none came in); a record that names a request
    // but has no span context is decided by the request id's hash.
    for (const severityNumber of [9, 17]) {
      logging.loggerProvider.getLogger('jobs').emit({
        severityNumber,
        body: 'a record of a request, without a trace',
        attributes: { 'request.id': 'req-1' },
        context: ROOT_CONTEXT,
      });
    }
    const kept = await records();
    assert.ok(kept.length > 200);
    const ofRequest = kept.filter((record) => record.attributes['request.id'] === 'req-1');
    assert.equal(
      new Set(ofRequest.map((record) => record.attributes[SAMPLING_ATTRIBUTES.randomness])).size,
      1,
    );
    for (const record of kept) {
      const value = record.attributes[SAMPLING_ATTRIBUTES.randomness];
      assert.match(String(value), /^[0-9a-f]{14}$/, String(record.body));
      const threshold = record.attributes[SAMPLING_ATTRIBUTES.threshold];
      // A Collector checks R >= T on arrival and drops (fail_closed) what is inconsistent.
      if (threshold !== undefined) {
        assert.ok(BigInt(`0x${value}`) >= BigInt(`0x${String(threshold).padEnd(14, '0')}`));
      }
    }
  });

  test('sampling.adjusted_count is not written: the Collector neither reads nor updates it', async () => {
    const { logging, records } = pipeline({ sampling: { default: { info: 0.25 } } });
    runWithRequestContext({ traceparent: '00-4bf92f3577b34da6a3ffffffffffffff-00f067aa0ba902b7-01' }, () =>
      logging.getLogger('orders').info('kept at 0.25'),
    );
    const [record] = await records();
    assert.equal(record?.attributes[SAMPLING_ATTRIBUTES.threshold], 'c');
    assert.equal(record?.attributes['sampling.adjusted_count'], undefined);
  });
});

describe('records outside any trace and request: decisions reruns agree on', () => {
  /** The indexes of the records a run keeps, for a sequence of 5,000 mixed records. */
  async function keptIndexes(options: LoggingOptions): Promise<number[]> {
    const { logging, records } = pipeline({ level: 'debug', ...options });
    const log = logging.getLogger('cron');
    for (let index = 0; index < 5_000; index++) {
      if (index % 7 === 0) log.error(`e${index}`);
      else if (index % 3 === 0) log.debug(`d${index}`);
      else log.info(`i${index}`);
    }
    return (await records()).map((record) => Number(String(record.body).slice(1)));
  }
  const sampling = { default: { info: 0.3, debug: 0.1 } };

  test('the same seed and the same records: the same decisions; another seed: others', async () => {
    const first = await keptIndexes({ sampling, samplingSeed: 'nightly-export' });
    const second = await keptIndexes({ sampling, samplingSeed: 'nightly-export' });
    const other = await keptIndexes({ sampling, samplingSeed: 'another-seed' });
    assert.deepEqual(second, first);
    assert.notDeepEqual(other, first);
    // Still a probability sample: 714 ERROR, and INFO 0.3 · 2857, DEBUG 0.1 · 1429 on average.
    const infos = first.filter((index) => index % 7 !== 0 && index % 3 !== 0).length;
    assert.ok(infos > 2857 * 0.3 - 150 && infos < 2857 * 0.3 + 150, `${infos} INFO kept`);
  });

  test('the seed defaults to the service name, and LOGWEAVE_SAMPLING_SEED sets it', async () => {
    const byName = await keptIndexes({ sampling, serviceName: 'billing' });
    assert.deepEqual(await keptIndexes({ sampling, serviceName: 'billing' }), byName);
    assert.deepEqual(await keptIndexes({ sampling, samplingSeed: 'billing' }), byName);
    assert.deepEqual(
      await keptIndexes({ sampling, env: { LOGWEAVE_SAMPLING_SEED: 'x' } }),
      await keptIndexes({ sampling, samplingSeed: 'x' }),
    );
    assert.notDeepEqual(await keptIndexes({ sampling, serviceName: 'payroll' }), byName);
  });
});
