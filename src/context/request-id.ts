import { randomUUID } from 'node:crypto';
import { DEFAULTS } from '../core/defaults.ts';

/**
 * Characters accepted in an incoming request id: letters, digits and `._:=+/-`, which covers
 * UUIDs, ULIDs, AWS ALB/X-Ray ids and base64url. Anything else (spaces, commas from a
 * duplicated header, quotes, control characters) makes logweave generate a fresh id instead,
 * so a hostile value is never echoed or logged.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:=+/-]+$/;

/** Returns `candidate` when it is a single, safe, short enough value; otherwise undefined. */
export function acceptRequestId(
  candidate: unknown,
  maxLength: number = DEFAULTS.requestId.maxLength,
): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  if (candidate.length === 0 || candidate.length > maxLength) return undefined;
  return SAFE_REQUEST_ID.test(candidate) ? candidate : undefined;
}

/** A fresh request id (a random UUID v4). */
export function generateRequestId(): string {
  return randomUUID();
}
