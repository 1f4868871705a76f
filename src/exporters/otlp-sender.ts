import type { OtlpHeaderProvider } from '../config/logging-options.ts';
import type { TlsMaterial } from '../config/read-tls-files.ts';

/** How one attempt ended, in the terms the delivery policy needs (HTTP and gRPC alike). */
export type SendOutcome =
  | { kind: 'success'; body: Uint8Array }
  /** Network error, timeout, 429/502/503/504, a retryable gRPC code: worth trying again (after `retryAfterMillis` if given). */
  | { kind: 'retryable'; reason: string; retryAfterMillis?: number }
  /** 413, or a gRPC message over the receiver's limit: a request this large never passes; smaller ones may. */
  | { kind: 'too_large'; reason: string }
  /** 400 and other statuses/codes not listed as retryable: the same request will never pass. */
  | { kind: 'rejected'; status: number; reason: string };

/**
 * One OTLP transport: one request per call, bounded by a timeout and an abort signal, never
 * rejecting. `DurableOtlpExporter` maps the outcome to retry, spool or drop; the transports
 * only classify what the receiver answered.
 */
export interface OtlpSender {
  /** `timeoutMillis` bounds the attempt; the body is an `ExportLogsServiceRequest` (protobuf or JSON). */
  send(
    body: Uint8Array,
    contentType: string,
    timeoutMillis: number,
    signal?: AbortSignal,
  ): Promise<SendOutcome>;
  /** Closes idle connections. */
  close(): void;
}

/** What both transports are built from. */
export interface OtlpSenderOptions {
  url: string;
  /** Static headers (gRPC: metadata), merged from env, file and code. */
  headers: Record<string, string>;
  /** Called per request; its keys win over `headers`. Its values are never logged. */
  headerProvider?: OtlpHeaderProvider | undefined;
  compression: 'gzip' | 'none';
  /** CA bundle and mTLS client key/chain, already read. */
  tls?: TlsMaterial | undefined;
}

/** The headers of one request: the static ones, then the provider's (which may fail). */
export async function requestHeaders(options: OtlpSenderOptions): Promise<Record<string, string>> {
  if (options.headerProvider === undefined) return options.headers;
  const provided: unknown = await options.headerProvider();
  if (provided === null || typeof provided !== 'object') {
    throw new Error('otlp.headers() must return an object of header names and string values');
  }
  const headers = { ...options.headers };
  for (const [name, value] of Object.entries(provided)) {
    // The name is shown, never the value: it may be a credential.
    if (typeof value !== 'string')
      throw new Error(`otlp.headers() returned a non-string value for "${name}"`);
    headers[name] = value;
  }
  return headers;
}
