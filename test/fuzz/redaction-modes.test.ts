import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createLogging, type Logging } from '../../src/index.ts';
import { FUZZ_SEED, secretRecord } from './secret-corpus.ts';

const RUNS = 10_000;

/** Everything an exporter could write about a record, as text. */
function serialise(record: ReadableLogRecord): string {
  return JSON.stringify({ body: record.body, attributes: record.attributes }, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
  );
}

let exporter: InMemoryLogRecordExporter;
let logging: Logging;
before(() => {
  exporter = new InMemoryLogRecordExporter();
  logging = createLogging({
    exporter,
    handleSignals: false,
    env: {},
    batch: { scheduledDelayMillis: 600_000 },
    // Hash mode with e-mails on: the other code path of the same stage.
    redaction: { mode: 'hash', hashKey: 'fuzz-hash-key-0123456789', redactEmails: true },
  });
});
after(() => logging.shutdown());

describe('hash-mode redaction under generated records (fast-check)', () => {
  test(`${RUNS} records: no secret survives, and equal secrets hash equally`, async () => {
    const log = logging.getLogger('fuzz.hash');
    await fc.assert(
      fc.asyncProperty(secretRecord, fc.emailAddress(), async (record, email) => {
        exporter.reset();
        const attributes = {
          ...record.attributes,
          contact: `mail ${email} now`,
          again: { password: 'same-secret-value' },
        };
        log.error(record.message, { ...attributes, err: record.error, password: 'same-secret-value' });
        await logging.forceFlush();
        const [exported] = exporter.getFinishedLogRecords();
        assert.ok(exported !== undefined, 'the record was exported');
        const text = serialise(exported);
        for (const secret of [...record.secrets, email, 'same-secret-value']) {
          assert.ok(!text.includes(secret), `secret ${JSON.stringify(secret)} survived`);
        }
        assert.ok(text.includes(record.visible));
        const hashed = exported.attributes['password'];
        assert.match(String(hashed), /^\[REDACTED:hmac:[0-9a-f]{16}\]$/);
        assert.equal((exported.attributes['again'] as Record<string, unknown>)['password'], hashed);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });
});
