import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { countJsonRecords, countProtobufRecords } from '../otlp-sink/count-records.ts';

/** Real records from two scopes (two ScopeLogs), so the walker must sum across them. */
async function records(count: number) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: 1000 })],
  });
  for (let i = 0; i < count; i++) {
    provider.getLogger(i % 2 === 0 ? 'a' : 'b').emit({
      severityNumber: SeverityNumber.INFO,
      body: `line ${i} ${'x'.repeat(i * 37)}`,
      attributes: { i, nested: { deep: [1, 2, 3] } },
    });
  }
  await provider.forceFlush();
  const finished = exporter.getFinishedLogRecords();
  assert.equal(finished.length, count);
  return finished;
}

describe('the OTLP sink counts what the official serializers wrote', () => {
  for (const count of [0, 1, 2, 7, 300]) {
    test(`${count} records, protobuf and JSON`, async () => {
      const logs = await records(count);
      assert.equal(countProtobufRecords(ProtobufLogsSerializer.serializeRequest(logs)!), count);
      const json = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(logs)!);
      assert.equal(countJsonRecords(json), count);
    });
  }

  test('a truncated protobuf request is an error, not a wrong count', async () => {
    const bytes = ProtobufLogsSerializer.serializeRequest(await records(3))!;
    assert.throws(() => countProtobufRecords(bytes.subarray(0, bytes.length - 5)));
  });
});
