/*
 * logweave/pino against the library it replaces: the same pino calls go through
 * @opentelemetry/instrumentation-pino (log sending) into one pipeline and through logweave/pino
 * into another; the records must agree on severity, severity text, body, timestamp, trace and
 * request, and on the attributes (where logweave maps `err` to `exception.*` like the SDK does).
 * Also the case where both run at once: the correlation fields the instrumentation adds to the
 * line (`trace_id`, `span_id`, `trace_flags`) are not copied into logweave's attributes.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';
import { logs } from '@opentelemetry/api';
import { logs as apiLogsPackage } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type PinoModule from 'pino';
import { logweavePino } from '../../integrations/pino/index.ts';
import { runWithRequestContext } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

const theirs = memoryPipeline({ level: 'trace' });
const ours = memoryPipeline({ level: 'trace' });
// createLogging() made the last pipeline the global one: this comparison wants the other.
logs.disable();
logs.setGlobalLoggerProvider(theirs.logging.loggerProvider);
apiLogsPackage.disable();
apiLogsPackage.setGlobalLoggerProvider(theirs.logging.loggerProvider);
registerInstrumentations({ instrumentations: [new PinoInstrumentation()] });
const require = createRequire(import.meta.url);
const pino = require('pino') as typeof PinoModule;

function comparable(record: ReadableLogRecord): Record<string, unknown> {
  return {
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    hrTime: record.hrTime,
    traceId: record.spanContext?.traceId,
    spanId: record.spanContext?.spanId,
    attributes: record.attributes,
  };
}

describe('logweave/pino beside @opentelemetry/instrumentation-pino', () => {
  after(() => Promise.all([theirs.shutdown(), ours.shutdown()]));

  test('the same pino calls make the same records', async () => {
    const logger = pino(
      { level: 'trace', customLevels: { audit: 35, severe: 55, beyond: 70 } },
      logweavePino(ours.logging),
    );
    runWithRequestContext({ requestId: 'same-request' }, () => {
      logger.trace('trace line');
      logger.debug({ n: 1 }, 'debug %d', 2);
      logger.info({ orderId: 7, nested: { list: [1, 'a', true, null] } }, 'order stored');
      logger.warn('warn line');
      logger.error(new Error('plain error'));
      logger.error({ err: new TypeError('typed'), amount: 3 }, 'with err');
      logger.fatal('fatal line');
      logger.audit('custom 35');
      logger.severe('custom 55');
      logger.beyond('custom 70');
      logger.child({ tenant: 'acme', region: 'eu' }).info({ k: 'v' }, 'child line');
    });
    const [theirRecords, ourRecords] = await Promise.all([theirs.records(), ours.records()]);
    assert.equal(ourRecords.length, 11);
    assert.equal(theirRecords.length, ourRecords.length);
    for (const [index, mine] of ourRecords.entries()) {
      const other = theirRecords[index]!;
      assert.deepEqual(comparable(mine), comparable(other), `record ${index} (${String(mine.body)})`);
      assert.equal(mine.attributes['request.id'], 'same-request');
      assert.equal(mine.attributes['trace_id'], undefined, 'the correlation fields are not attributes');
    }
    assert.equal(ourRecords[0]?.instrumentationScope.name, 'pino');
    assert.equal(theirRecords[0]?.instrumentationScope.name, '@opentelemetry/instrumentation-pino');
  });
});
