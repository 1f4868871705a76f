import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';

/**
 * The in-process end of every OTel pipeline in the micro-benchmarks (logweave's and the peers'):
 * it serializes each batch to OTLP protobuf with the official serializer, exactly the work an
 * OTLP/HTTP exporter does before the socket, and counts records and bytes so the harness can
 * prove that every record it timed was exported (none dropped, none left in a queue).
 */
export class SerializingExporter implements LogRecordExporter {
  records = 0;
  bytes = 0;
  /** The most recent batch, kept for spot checks of what the pipeline produced. */
  lastBatch: readonly ReadableLogRecord[] = [];

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const payload = ProtobufLogsSerializer.serializeRequest(logs);
    if (payload === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('serializer returned nothing') });
      return;
    }
    this.records += logs.length;
    this.bytes += payload.byteLength;
    this.lastBatch = logs;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
