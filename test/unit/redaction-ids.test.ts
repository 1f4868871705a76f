import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runWithRequestContext } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

/** UUID-shaped ids from a fixed-seed generator, so every run checks the same 50,000 ids. */
function* uuids(seed: number): Generator<string> {
  let state = seed;
  const hex = (length: number): string => {
    let out = '';
    for (let index = 0; index < length; index++) {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      // Biased towards decimal digits, where card-number false positives come from.
      const digit = Math.floor((state / 2 ** 31) * 24); // high bits: an LCG's low bits repeat quickly
      out += digit < 16 ? String(digit % 10) : 'abcdef'[digit % 6];
    }
    return out;
  };
  for (;;) yield `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

test('request ids and other UUIDs are never taken for card numbers; real card numbers still are', async () => {
  const pipeline = memoryPipeline({ batch: { maxQueueSize: 60_000 } });
  const { logging } = pipeline;
  const log = logging.getLogger('orders');
  const generator = uuids(2026);
  const ids: string[] = [];
  for (let index = 0; index < 50_000; index++) {
    const id = generator.next().value as string;
    ids.push(id);
    runWithRequestContext({ requestId: id }, () => log.info(`order ${id}`, { orderId: id }));
  }
  log.info('paid with 4111 1111 1111 1111, 4111-1111-1111-1111 and 4111111111111111');
  const records = await pipeline.records();
  const mangled = ids.filter((id, index) => {
    const record = records[index];
    return (
      record?.attributes['request.id'] !== id ||
      record.attributes['orderId'] !== id ||
      record.body !== `order ${id}`
    );
  });
  assert.deepEqual(mangled, []);
  assert.equal(records.at(-1)?.body, 'paid with [REDACTED], [REDACTED] and [REDACTED]');
  await logging.shutdown();
});
