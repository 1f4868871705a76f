import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { USER_AGENT } from '../core/version.ts';
import { grpcOutcome } from './grpc-outcome.ts';
import { MAX_TIMER_MILLIS } from './otlp-http-sender.ts';
import { requestHeaders, type OtlpSender, type OtlpSenderOptions, type SendOutcome } from './otlp-sender.ts';

/** The OTLP logs service's one method (opentelemetry-proto, `collector/logs/v1/logs_service.proto`). */
const EXPORT_METHOD = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const GRPC_GZIP = 2;
const GRPC_NO_COMPRESSION = 0;
const EMPTY = new Uint8Array(0);
/**
 * grpc-js reconnects with exponential backoff up to 120 s by default: after a Collector restart
 * the channel could stay down two minutes while the Collector is back. Bounded like the spool's
 * replay backoff (`delivery.replayMaxBackoffMillis`' default), so both recover together.
 */
const RECONNECT_BACKOFF = { initial: 500, max: 5000 };

/**
 * OTLP/gRPC transport: one unary `LogsService/Export` call per attempt on one channel (HTTP/2,
 * reconnecting with grpc-js's backoff), the request body the official `ProtobufLogsSerializer`'s
 * bytes, the answer's status mapped by `grpcOutcome` (the OTLP spec's retryable codes).
 *
 * Why `@grpc/grpc-js` directly rather than `@opentelemetry/exporter-logs-otlp-grpc`: that package's
 * exporter retries inside and reduces every outcome to SUCCESS/FAILED, and its transport
 * (`GrpcExporterTransport`, which does report the status) is not exported by
 * `@opentelemetry/otlp-grpc-exporter-base`. The spool needs the code (retryable or rejected), the
 * RetryInfo delay and the partial-success answer, as the HTTP sender does. The client is built the
 * same way (bytes in, bytes out, the official serializer's bodies).
 */
export class OtlpGrpcSender implements OtlpSender {
  readonly #client: Client;
  readonly #options: OtlpSenderOptions;

  constructor(options: OtlpSenderOptions) {
    this.#options = options;
    const url = new URL(options.url);
    const secure = url.protocol === 'https:';
    const port = url.port === '' ? (secure ? '443' : '80') : url.port;
    const channelCredentials = secure
      ? credentials.createSsl(options.tls?.ca ?? null, options.tls?.key ?? null, options.tls?.cert ?? null)
      : credentials.createInsecure();
    this.#client = new Client(`${url.hostname}:${port}`, channelCredentials, {
      'grpc.primary_user_agent': USER_AGENT,
      'grpc.default_compression_algorithm': options.compression === 'gzip' ? GRPC_GZIP : GRPC_NO_COMPRESSION,
      'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF.initial,
      'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF.max,
    });
  }

  async send(
    body: Uint8Array,
    _contentType: string,
    timeoutMillis: number,
    signal?: AbortSignal,
  ): Promise<SendOutcome> {
    let headers: Record<string, string>;
    try {
      headers = await requestHeaders(this.#options);
    } catch (error) {
      return { kind: 'retryable', reason: error instanceof Error ? error.message : String(error) };
    }
    const metadata = new Metadata();
    for (const [name, value] of Object.entries(headers)) {
      try {
        metadata.set(name.toLowerCase(), value);
      } catch {
        // grpc-js's message quotes the value, which may be a credential: only the name is said.
        const reason = `the header "${name}" is not valid gRPC metadata (name or value has characters it refuses)`;
        return { kind: 'rejected', status: 0, reason };
      }
    }
    if (signal?.aborted === true) return { kind: 'retryable', reason: 'abandoned at shutdown' };
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const call = this.#client.makeUnaryRequest<Uint8Array, Uint8Array>(
        EXPORT_METHOD,
        (request) => Buffer.from(request.buffer, request.byteOffset, request.byteLength),
        (response) => response,
        body,
        metadata,
        { deadline: Date.now() + Math.min(timeoutMillis, MAX_TIMER_MILLIS) },
        (error: ServiceError | null, response?: Uint8Array) => {
          if (error === null) {
            finish({ kind: 'success', body: response ?? EMPTY });
            return;
          }
          const details = error.metadata?.get('grpc-status-details-bin')[0];
          finish(
            grpcOutcome({
              code: error.code,
              details: error.details ?? error.message,
              statusDetails: details instanceof Buffer ? details : undefined,
            }),
          );
        },
      );
      const onAbort = (): void => {
        call.cancel();
        finish({ kind: 'retryable', reason: 'abandoned at shutdown' });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.#client.close();
  }
}
