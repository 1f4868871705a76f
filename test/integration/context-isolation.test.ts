import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { getRequestContext, runWithRequestContext, tryGetRequestContext } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

const TASKS = 10_000;

/** A deterministic pseudo-random sequence so the interleaving is the same on every run. */
function* lcg(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    yield state / 2 ** 31;
  }
}

test(`${TASKS} interleaved async tasks never see a foreign or missing request id or trace id`, async () => {
  const pipeline = memoryPipeline({
    serviceName: 'isolation',
    batch: { maxQueueSize: 100_000, maxExportBatchSize: 2048, scheduledDelayMillis: 50 },
  });
  const { logging } = pipeline;
  const log = logging.getLogger('isolation');
  const random = lcg(7);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const expectedTrace = new Map<string, string>();

  const task = async (index: number): Promise<void> => {
    const requestId = `task-${index}`;
    const delay = Math.floor((random.next().value as number) * 5);
    await runWithRequestContext({ headers: { 'x-request-id': requestId } }, async () => {
      expectedTrace.set(requestId, getRequestContext().traceId);
      log.info('start', { index });
      // Timers of different lengths are what interleave the tasks: the sleeps are the subject here.
      await sleep(delay);
      log.info('after timer', { index });
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          log.info('in setImmediate', { index });
          resolve();
        }),
      );
      // One emitter shared by every task; a listener runs in the context of the code that emits,
      // here the task itself, from a nextTick callback.
      await new Promise<void>((resolve) => {
        const onEvent = (): void => {
          log.info('in event listener', { index });
          resolve();
        };
        emitter.once(`event-${index}`, onEvent);
        process.nextTick(() => emitter.emit(`event-${index}`));
      });
      // A nested request context replaces the outer request id inside (and continues the active
      // trace, whose span is already in the context); the outer one comes back after.
      await runWithRequestContext({ headers: { 'x-request-id': `${requestId}-nested` } }, async () => {
        assert.equal(getRequestContext().traceId, expectedTrace.get(requestId));
        expectedTrace.set(`${requestId}-nested`, getRequestContext().traceId);
        await Promise.resolve();
        log.info('nested', { index });
      });
      assert.equal(getRequestContext().requestId, requestId);
      await Promise.all([
        sleep(delay).then(() => log.info('promise.all a', { index })),
        Promise.resolve().then(() => log.info('promise.all b', { index })),
      ]);
    });
  };

  await Promise.all(Array.from({ length: TASKS }, (_, index) => task(index)));
  assert.equal(tryGetRequestContext(), undefined, 'no context leaks out of the tasks');
  const records = await pipeline.records();
  assert.equal(records.length, TASKS * 7);

  let foreign = 0;
  for (const record of records) {
    const requestId = record.attributes['request.id'];
    const index = record.attributes['index'];
    const message = record.body;
    const expectedId = message === 'nested' ? `task-${String(index)}-nested` : `task-${String(index)}`;
    if (requestId !== expectedId || record.spanContext?.traceId !== expectedTrace.get(expectedId)) foreign++;
  }
  assert.equal(foreign, 0, 'records with a foreign or missing request id or trace id');
  assert.equal(new Set(expectedTrace.values()).size, TASKS, 'every task has its own trace');
  await logging.shutdown();
});
