import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';
import { parseRetryAfter } from './retry-after.ts';

/** How one HTTP attempt ended, in the terms the delivery policy needs. */
export type SendOutcome =
  | { kind: 'success'; body: Uint8Array }
  /** Network error, timeout, 429/502/503/504: worth trying again (after `retryAfterMillis` if given). */
  | { kind: 'retryable'; reason: string; retryAfterMillis?: number }
  /** 413: the receiver will never take a request this large; smaller ones may pass. */
  | { kind: 'too_large'; reason: string }
  /** 400 and every other 4xx/5xx not listed as retryable: the same request will never pass. */
  | { kind: 'rejected'; status: number; reason: string };

/** Longest part of a response body kept (error messages, partial-success responses). */
const MAX_RESPONSE_BYTES = 1024 * 1024;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export interface OtlpHttpSenderOptions {
  url: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
}

/**
 * A minimal OTLP/HTTP transport: one POST per call, bounded by a timeout and an abort signal.
 * logweave does not use the official exporter's transport because its delegate reduces every
 * outcome to FAILED/SUCCESS and only logs partial success through `diag`; the delivery policy
 * needs the status (413 split, 4xx rejected, Retry-After) and the response body. The request
 * bodies come from the official serializers (`@opentelemetry/otlp-transformer`).
 */
export class OtlpHttpSender {
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #gzip: boolean;
  readonly #agent: HttpAgent;

  constructor(options: OtlpHttpSenderOptions) {
    this.#url = new URL(options.url);
    this.#headers = options.headers;
    this.#gzip = options.compression === 'gzip';
    const isHttps = this.#url.protocol === 'https:';
    // Keep-alive: a steady stream of batches should not pay a TCP handshake each.
    this.#agent = isHttps
      ? new HttpsAgent({ keepAlive: true, maxSockets: 4 })
      : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  }

  /** Sends one request; never rejects. */
  send(
    body: Uint8Array,
    contentType: string,
    timeoutMillis: number,
    signal?: AbortSignal,
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
      const payload = this.#gzip ? gzipSync(body) : body;
      const headers: Record<string, string> = {
        ...this.#headers,
        'content-type': contentType,
        'content-length': String(payload.byteLength),
      };
      if (this.#gzip) headers['content-encoding'] = 'gzip';
      const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(this.#url, { method: 'POST', headers, agent: this.#agent }, (response) =>
        readResponse(response, finish),
      );
      // Destroying the request closes its socket: an export that times out leaves nothing open.
      const timer = setTimeout(() => {
        request.destroy();
        finish({ kind: 'retryable', reason: `no answer within ${timeoutMillis} ms` });
      }, timeoutMillis);
      const onAbort = (): void => {
        request.destroy();
        finish({ kind: 'retryable', reason: 'abandoned at shutdown' });
      };
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => finish({ kind: 'retryable', reason: error.message }));
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

/** A short printable excerpt of an error body (Collectors answer with a protobuf Status or text). */
function describeBody(body: Buffer): string {
  if (body.length === 0) return '';
  const text = body.subarray(0, 200).toString('utf8').replace(CONTROL_CHARACTERS, ' ').trim();
  return text === '' ? '' : `: ${text}`;
}
