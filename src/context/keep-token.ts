import { propagation, type Context } from '@opentelemetry/api';
import { isTraceId, sign, signalSecret, verify } from './signal-secret.ts';

/** The baggage member that asks every service on a request's path to keep all its records. */
export const KEEP_BAGGAGE_KEY = 'logweave.keep';

/** Longest validity a keep token may claim (a leaked token stops working by then). */
export const KEEP_TOKEN_MAX_TTL_SECONDS = 24 * 60 * 60;

/**
 * A keep token for the trace `traceId`, valid for `ttlSeconds` (at most one day): put it in the
 * request's baggage as `logweave.keep=<token>` (see `keepBaggage`). Every service whose pipeline
 * has the same `signals.secret` then keeps every record of that trace (`logweave.sampling.rule=forced`),
 * and the baggage carries it on to the next service. Bound to one trace and an expiry, so the
 * token cannot switch on full logging for anything else.
 *
 * @example
 * const token = createKeepToken(traceId, process.env.LOGWEAVE_SIGNAL_SECRET!, 600);
 * await fetch(url, { headers: { traceparent, baggage: `logweave.keep=${token}` } });
 */
export function createKeepToken(
  traceId: string,
  secret: string,
  ttlSeconds: number,
  now = Date.now(),
): string {
  if (!isTraceId(traceId))
    throw new RangeError('a keep token needs a W3C trace id (32 lowercase hex digits)');
  if (!(ttlSeconds > 0 && ttlSeconds <= KEEP_TOKEN_MAX_TTL_SECONDS)) {
    throw new RangeError(`a keep token lives between 1 and ${KEEP_TOKEN_MAX_TTL_SECONDS} seconds`);
  }
  const expires = Math.floor(now / 1000) + Math.ceil(ttlSeconds);
  return `${expires}.${sign(secret, `keep.${traceId}.${expires}`)}`;
}

/** The `baggage` header value that carries a keep token. */
export function keepBaggage(token: string): string {
  return `${KEEP_BAGGAGE_KEY}=${token}`;
}

/**
 * Whether `ctx` (a request's context, with its baggage and trace) carries a valid keep token for
 * its trace: signed with the secret in force, not expired. False whenever no secret is configured.
 */
export function carriesKeepToken(ctx: Context, traceId: string, now = Date.now()): boolean {
  const secret = signalSecret();
  if (secret === undefined) return false;
  const token = propagation.getBaggage(ctx)?.getEntry(KEEP_BAGGAGE_KEY)?.value;
  if (token === undefined || token.length > 96) return false;
  const dot = token.indexOf('.');
  const expires = Number(token.slice(0, dot));
  if (dot <= 0 || !Number.isSafeInteger(expires) || expires * 1000 < now) return false;
  if (expires * 1000 > now + KEEP_TOKEN_MAX_TTL_SECONDS * 1000) return false;
  return verify(secret, `keep.${traceId}.${expires}`, token.slice(dot + 1));
}
