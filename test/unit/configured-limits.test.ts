import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

/*
 * A configured limit is the one limit: the facade, the redaction stage and the SDK's own record
 * limits all use it. Before the architecture change, `attributeValueLengthLimit: 20000` let a
 * 15,000-character value arrive with 8,192 (the redaction stage kept its own default).
 */
describe('configured limits reach every stage', () => {
  test('attributeValueLengthLimit above the default: a 15,000-character value arrives whole, with redaction on', async () => {
    const memory = memoryPipeline({ limits: { attributeValueLengthLimit: 20_000 } });
    const long = 'v'.repeat(15_000);
    memory.logging.getLogger('limits').info(long, { long });
    // The same through the OTel Logs API, which reaches the SDK's limits and the redaction stage only.
    memory.logging.loggerProvider.getLogger('raw').emit({ body: long, attributes: { long } });
    const records = await memory.records();
    await memory.shutdown();
    assert.equal(records.length, 2);
    for (const record of records) {
      assert.equal((record.attributes['long'] as string).length, 15_000);
      assert.equal((record.body as string).length, 15_000);
    }
  });

  test('a limit below the default cuts at that limit in every stage', async () => {
    const memory = memoryPipeline({ limits: { attributeValueLengthLimit: 100 } });
    const long = 'v'.repeat(15_000);
    memory.logging.getLogger('limits').info('m', { long });
    memory.logging.loggerProvider.getLogger('raw').emit({ body: 'm', attributes: { long } });
    const records = await memory.records();
    await memory.shutdown();
    assert.deepEqual(
      records.map((record) => (record.attributes['long'] as string).length),
      [100, 100],
    );
  });
});
