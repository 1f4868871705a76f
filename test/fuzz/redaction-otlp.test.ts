import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createLogging, type Logging } from '../../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { FUZZ_SEED, secretRecord, type SecretRecord } from './secret-corpus.ts';

/** Runs per protocol: each is one or more records through the pipeline and one HTTP request. */
const RUNS_PER_PROTOCOL = 2500;

function emit(logging: Logging, record: SecretRecord): void {
  const log = logging.getLogger('fuzz.redaction');
  if (record.error !== undefined) log.error(record.message, { ...record.attributes, err: record.error });
  else log.info(record.message, record.attributes);
}

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`no secret reaches the OTLP receiver (${protocol}, raw request bytes)`, () => {
    let receiver: OtlpReceiver;
    let logging: Logging;
    const bodies: Buffer[] = [];
    const diagnostics: string[] = [];

    before(async () => {
      receiver = await startOtlpReceiver(({ body }) => {
        // The raw (un-gzipped) request body, before any decoding: what a Collector would store.
        bodies.push(Buffer.from(body));
        return { status: 200 };
      });
      logging = createLogging({
        serviceName: 'fuzz',
        otlp: { url: receiver.url, protocol },
        // Flushed explicitly after every run; the timer never fires during a run.
        batch: { scheduledDelayMillis: 600_000, maxQueueSize: 10_000, maxExportBatchSize: 512 },
        handleSignals: false,
        env: {},
        diagnosticWriter: (line) => diagnostics.push(line),
      });
    });

    after(async () => {
      await logging.shutdown();
      await receiver.close();
    });

    test(`${RUNS_PER_PROTOCOL} generated batches of records with secrets in body, attributes and exceptions`, async () => {
      let delivered = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(secretRecord, { minLength: 1, maxLength: 4 }), async (records) => {
          bodies.length = 0;
          for (const record of records) emit(logging, record);
          await logging.forceFlush();
          const raw = Buffer.concat(bodies);
          assert.ok(raw.length > 0, 'the batch reached the receiver');
          for (const record of records) {
            assert.ok(raw.includes(record.visible), `non-secret marker ${record.visible} arrived`);
            for (const secret of record.secrets) {
              assert.ok(
                !raw.includes(secret),
                `secret ${JSON.stringify(secret)} leaked into the ${protocol} bytes`,
              );
            }
          }
          delivered += records.length;
        }),
        { numRuns: RUNS_PER_PROTOCOL, seed: FUZZ_SEED },
      );
      assert.ok(delivered >= RUNS_PER_PROTOCOL);
      assert.ok(
        logging.stats().redacted >= delivered,
        'every record had at least one secret, counted in stats',
      );
      assert.deepEqual(diagnostics, []);
    });
  });
}
