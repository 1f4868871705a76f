import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The shared secret behind logweave's signed signals between services (`signals.secret`,
 * `LOGWEAVE_SIGNAL_SECRET`): the release calls one service sends another when a trace failed,
 * and the keep token that asks every service on a request's path to keep all of its records.
 * A pipeline registers it while it lives; without one neither signal is sent or believed.
 */
const registered: string[] = [];

export function registerSignalSecret(secret: string): () => void {
  registered.push(secret);
  return () => {
    const index = registered.lastIndexOf(secret);
    if (index !== -1) registered.splice(index, 1);
  };
}

/** The secret in force, undefined when no pipeline configured one. */
export function signalSecret(): string | undefined {
  return registered.at(-1);
}

/** HMAC-SHA256 of `message` under `secret`, as lowercase hex. */
export function sign(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** Whether `signature` (hex) is `message`'s under `secret`, compared in constant time. */
export function verify(secret: string, message: string, signature: string): boolean {
  const expected = Buffer.from(sign(secret, message), 'hex');
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** A W3C trace id: 32 lowercase hex digits, not all zero. */
export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) && !/^0+$/.test(value);
}
