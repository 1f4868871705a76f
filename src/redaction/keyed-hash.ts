import { createHmac, randomBytes } from 'node:crypto';

/** Hex characters of the HMAC kept in a hashed replacement (64 bits: collisions are negligible per log stream). */
const KEPT_HEX_CHARS = 16;

/**
 * Replaces a secret with a keyed hash (HMAC-SHA256), so equal values stay correlatable across
 * records without being revealed. A plain hash would not do: card numbers, PINs and short
 * passwords are few enough to be recovered by hashing every candidate.
 *
 * Without a configured key, a random per-process key is used: values correlate within one
 * process only. Configure `redaction.hashKey` (env `LOGWEAVE_REDACTION_HASH_KEY`) on every
 * service to correlate across processes and restarts.
 */
export function createKeyedHasher(hashKey: string | undefined): (value: string) => string {
  const key = hashKey ?? randomBytes(32);
  return (value) =>
    `[REDACTED:hmac:${createHmac('sha256', key).update(value).digest('hex').slice(0, KEPT_HEX_CHARS)}]`;
}

/** The replacement for a removed value. */
export const REDACTED_MARKER = '[REDACTED]';
