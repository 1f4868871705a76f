/**
 * `logweave/pino`: a pino destination that sends every pino line into logweave's pipeline, in
 * the caller's request context. No require hook and no instrumentation: it works the same under
 * ESM and CommonJS. Framework glue only; the mapping lives in `src/bridges`.
 */
import pino from 'pino';
import { LogweaveConfigError } from '../../src/core/config-error.ts';
import { resolveBridgeOptions, type LogweavePinoOptions } from '../../src/bridges/bridge-options.ts';
import type { LoggerSource } from '../../src/bridges/logger-source.ts';
import { PinoDestination } from '../../src/bridges/pino-destination.ts';
import { DEFAULTS } from '../../src/core/defaults.ts';

export type { BridgeOptions, LogweavePinoOptions } from '../../src/bridges/bridge-options.ts';
export type { PinoDestination, PinoLogMethodHook } from '../../src/bridges/pino-destination.ts';

/**
 * A pino destination into logweave. Each line becomes an OTel record with pino's level (the
 * severities `@opentelemetry/instrumentation-pino` uses), `time`, `msg` (body), `err` (`exception.*`)
 * and the bindings and merge object as attributes; the record's module (instrumentation scope,
 * which the sampling rules address) is the logger's `module` binding, so
 * `logger.child({ module: 'payments.stripe' })` follows the `payments.stripe` rule. A line the
 * sampling policy drops is not parsed. Throws `LogweaveConfigError` for invalid options.
 *
 * Give it to pino as a destination, never through `pino.transport()` (a worker thread has no
 * request context). Beside pino's own output, use `pino.multistream`; when logweave is pino's only
 * destination, also install `destination.logMethod` as `hooks.logMethod`, so a line logweave drops
 * is not even serialised.
 *
 * @example
 * const destination = logweavePino(logging);
 * // pino's output to stdout as before, and every line into logweave (options first: pino takes
 * // a lone multistream for options):
 * const logger = pino({}, pino.multistream([{ stream: process.stdout }, { stream: destination }]));
 * // or logweave only, where a dropped line costs no JSON:
 * const quiet = pino({ hooks: { logMethod: destination.logMethod } }, destination);
 * logger.child({ module: 'payments' }).info({ orderId }, 'charge created');
 */
export function logweavePino(logging: LoggerSource, options?: LogweavePinoOptions): PinoDestination {
  if (typeof logging !== 'object' || logging === null || typeof logging.getLogger !== 'function') {
    throw new LogweaveConfigError('logweavePino.logging', 'the object createLogging() returned', logging);
  }
  const resolved = resolveBridgeOptions(options, 'logweavePino', DEFAULTS.bridges.pino.defaultModule);
  return new PinoDestination(logging, resolved, pino.symbols);
}
