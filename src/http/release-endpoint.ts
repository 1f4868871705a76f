import type { IncomingMessage, ServerResponse } from 'node:http';
import { releaseTrace } from '../context/request-lifecycle.ts';
import {
  notifyCallees,
  RELEASE_MAX_AGE_MILLIS,
  RELEASE_PATH,
  releaseMessage,
  SIGNATURE_HEADER,
} from '../context/release-notifier.ts';
import { isTraceId, signalSecret, verify } from '../context/signal-secret.ts';

/** Largest release call body read (a trace id and a time fit in well under it). */
export const RELEASE_MAX_BODY_BYTES = 512;

export { RELEASE_PATH, SIGNATURE_HEADER };

/** Whether a request is a release call this process answers (only while a signal secret is set). */
export function isReleaseCall(method: string | undefined, url: string | undefined): boolean {
  if (method !== 'POST' || url === undefined || signalSecret() === undefined) return false;
  return url === RELEASE_PATH || url.startsWith(`${RELEASE_PATH}?`);
}

/**
 * Answers a release call: 204 when the signature (HMAC of the trace id and the time, under the
 * signal secret) is valid and the call is at most a minute old — what this process holds for the
 * trace is released and the services it called in the trace are told in turn; 401 for a bad or
 * old signature, 400 for a body that is not `{ traceId, issuedAt }`. Never throws.
 */
export function answerReleaseCall(
  body: string | Buffer | unknown,
  signature: string | string[] | undefined,
  report?: (message: string) => void,
  now = Date.now(),
): number {
  const secret = signalSecret();
  if (secret === undefined) return 404;
  let parsed: unknown;
  try {
    parsed = typeof body === 'string' || Buffer.isBuffer(body) ? JSON.parse(String(body)) : body;
  } catch {
    return 400;
  }
  const { traceId, issuedAt } = (parsed ?? {}) as { traceId?: unknown; issuedAt?: unknown };
  if (!isTraceId(traceId) || typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt)) return 400;
  if (typeof signature !== 'string' || Math.abs(now - issuedAt) > RELEASE_MAX_AGE_MILLIS) return 401;
  if (!verify(secret, releaseMessage(traceId, issuedAt).signed, signature)) return 401;
  releaseTrace(traceId);
  notifyCallees(traceId, report);
  return 204;
}

/**
 * Serves a release call on a raw request: reads at most `RELEASE_MAX_BODY_BYTES` (a larger body
 * is answered 413 and not read further), answers with `answerReleaseCall`'s status.
 */
export function serveReleaseCall(
  req: IncomingMessage,
  res: ServerResponse,
  report?: (message: string) => void,
): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  const answer = (status: number): void => {
    if (done) return;
    done = true;
    res.statusCode = status;
    res.setHeader('content-length', '0');
    res.end();
  };
  req.on('data', (chunk: Buffer) => {
    length += chunk.length;
    if (length > RELEASE_MAX_BODY_BYTES) {
      answer(413);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () =>
    answer(answerReleaseCall(Buffer.concat(chunks), req.headers[SIGNATURE_HEADER], report)),
  );
  req.on('error', () => answer(400));
}
