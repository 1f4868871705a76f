import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzip } from 'node:zlib';
import { USER_AGENT } from '../core/version.ts';
import { requestHeaders, type OtlpSender, type OtlpSenderOptions, type SendOutcome } from './otlp-sender.ts';
import { parseRetryAfter } from './retry-after.ts';

export type { SendOutcome } from './otlp-sender.ts';

/** Longest part of a response body kept (error messages, partial-success responses). */
const MAX_RESPONSE_BYTES = 1024 * 1024;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** setTimeout's largest delay (about 24.8 days): what "no limit" (`timeoutMillis: 0`) becomes. */
export const MAX_TIMER_MILLIS = 2_147_483_647;

function gzipAsync(body: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    gzip(body, (error, result) => (error === null ? resolve(result) : reject(error))),
  );
}

export type OtlpHttpSenderOptions = OtlpSenderOptions;

/**
 * A minimal OTLP/HTTP transport: one POST per call, bounded by a timeout and an abort signal.
 * logweave does not use the official exporter's transport because its delegate reduces every
 * outcome to FAILED/SUCCESS and only logs partial success through `diag`; the delivery policy
 * needs the status (413 split, 4xx rejected, Retry-After) and the response body. The request
 * bodies come from the official serializers (`@opentelemetry/otlp-transformer`).
 */
export class OtlpHttpSender implements OtlpSender {
  readonly #url: URL;
  readonly #options: OtlpHttpSenderOptions;
  readonly #gzip: boolean;
  readonly #agent: HttpAgent;

  constructor(options: OtlpHttpSenderOptions) {
    this.#url = new URL(options.url);
    this.#options = options;
    this.#gzip = options.compression === 'gzip';
    const isHttps = this.#url.protocol === 'https:';
    // Keep-alive: a steady stream of batches should not pay a TCP handshake each. The CA bundle
    // replaces Node's list for this endpoint only; key and cert are the mTLS client identity.
    this.#agent = isHttps
      ? new HttpsAgent({ keepAlive: true, maxSockets: 4, ...options.tls })
      : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  }

  /** Sends one request; never rejects. */
  async send(
    body: Uint8Array,
    contentType: string,
    timeoutMillis: number,
    signal?: AbortSignal,
  ): Promise<SendOutcome> {
    let headers: Record<string, string>;
    let payload: Uint8Array;
    try {
      headers = await requestHeaders(this.#options);
      // zlib's callback form compresses on the thread pool: a large batch never stalls the event loop.
      payload = this.#gzip ? await gzipAsync(body) : body;
    } catch (error) {
      return { kind: 'retryable', reason: error instanceof Error ? error.message : String(error) };
    }
    return this.#post(payload, headers, contentType, timeoutMillis, signal);
  }

  #post(
    payload: Uint8Array,
    extraHeaders: Record<string, string>,
    contentType: string,
    timeoutMillis: number,
    signal: AbortSignal | undefined,
  ): Promise<SendOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        ...extraHeaders,
        'content-type': contentType,
        'content-length': String(payload.byteLength),
      };
      if (this.#gzip) headers['content-encoding'] = 'gzip';
      const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
      let request: ClientRequest;
      try {
        request = send(this.#url, { method: 'POST', headers, agent: this.#agent }, (response) =>
          readResponse(response, finish),
        );
      } catch (error) {
        // An invalid header name or value (from the env or a headers function): no attempt will pass.
        const message = error instanceof Error ? error.message : String(error);
        resolve({ kind: 'rejected', status: 0, reason: `the request could not be built: ${message}` });
        return;
      }
      // Destroying the request closes its socket: an export that times out leaves nothing open.
      const timer = setTimeout(
        () => {
          request.destroy();
          finish({ kind: 'retryable', reason: `no answer within ${timeoutMillis} ms` });
        },
        Math.min(timeoutMillis, MAX_TIMER_MILLIS),
      );
      const onAbort = (): void => {
        request.destroy();
        finish({ kind: 'retryable', reason: 'abandoned at shutdown' });
      };
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => finish({ kind: 'retryable', reason: describeNetworkError(error) }));
      request.end(payload);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}

function readResponse(response: IncomingMessage, finish: (outcome: SendOutcome) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
    size += chunk.length;
  });
  response.on('error', (error) => finish({ kind: 'retryable', reason: error.message }));
  response.on('end', () => {
    const status = response.statusCode ?? 0;
    const body = Buffer.concat(chunks);
    if (status >= 200 && status < 300) {
      finish({ kind: 'success', body });
      return;
    }
    const reason = `HTTP ${status}${describeBody(body)}`;
    if (RETRYABLE_STATUSES.has(status)) {
      const retryAfterMillis = parseRetryAfter(response.headers['retry-after']);
      finish(
        retryAfterMillis === undefined
          ? { kind: 'retryable', reason }
          : { kind: 'retryable', reason, retryAfterMillis },
      );
    } else if (status === 413) {
      finish({ kind: 'too_large', reason });
    } else {
      finish({ kind: 'rejected', status, reason });
    }
  });
}

/** TLS failures say so and name the setting to check: a wrong CA must be recognisable at a glance. */
export function describeNetworkError(error: Error & { code?: string }): string {
  const code = typeof error.code === 'string' ? error.code : '';
  const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ALTNAME/.test(code);
  if (!tls) return error.message;
  return (
    `TLS handshake failed (${code}: ${error.message}); check the CA bundle ` +
    '(OTEL_EXPORTER_OTLP_CERTIFICATE) and, for mTLS, the client key and certificate'
  );
}

/** A short printable excerpt of an error body (Collectors answer with a protobuf Status or text). */
function describeBody(body: Buffer): string {
  if (body.length === 0) return '';
  const text = body.subarray(0, 200).toString('utf8').replace(CONTROL_CHARACTERS, ' ').trim();
  return text === '' ? '' : `: ${text}`;
}
