import type { PlainValue } from './otlp-json-values.ts';

/** One log record as `logweave view` holds it: flattened from its OTLP request, ready to filter and print. */
export interface ViewRecord {
  /** `timeUnixNano`, or `observedTimeUnixNano` when the time is unknown (0); 0n when both are. */
  readonly timeUnixNano: bigint;
  /** 32 lowercase hex characters, or '' for a record outside any trace. */
  readonly traceId: string;
  /** 16 lowercase hex characters, or ''. */
  readonly spanId: string;
  /** The resource's `service.name`, or ''. */
  readonly service: string;
  /** The instrumentation scope name (logweave's module), or ''. */
  readonly module: string;
  /** OTel severity number 1..24, or 0 when unspecified. */
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: PlainValue;
  readonly attributes: { readonly [key: string]: PlainValue };
  /** Shared by every record of the same resource in one line (not copied per record). */
  readonly resource: { readonly [key: string]: PlainValue };
  /** The `request.id` attribute, or ''. */
  readonly requestId: string;
  /** Where the record was read: `file:line`. */
  readonly origin: string;
}
