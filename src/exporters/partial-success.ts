import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';

/** The receiver's partial-success answer, if any; an empty or unreadable body means full success. */
export function readPartialSuccess(
  body: Uint8Array,
  json: boolean,
): { rejected: number; message: string } | undefined {
  if (body.byteLength === 0) return undefined;
  try {
    const response = (json ? JsonLogsSerializer : ProtobufLogsSerializer).deserializeResponse(body);
    const partial = response.partialSuccess;
    if (partial === undefined || partial === null) return undefined;
    const rejected = Number(partial.rejectedLogRecords ?? 0);
    const message = partial.errorMessage ?? '';
    if (rejected <= 0 && message === '') return undefined;
    return { rejected, message: message === '' ? 'no message given' : message };
  } catch {
    return undefined;
  }
}
