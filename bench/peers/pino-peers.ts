import { createRequire } from 'node:module';
import pino, { type Logger as PinoLogger } from 'pino';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import { requestFields } from './request-store.ts';

/** pino's own fast configuration: a synchronous write to /dev/null (what pino's benchmarks use). */
function devNull(): pino.DestinationStream {
  return pino.destination({ dest: '/dev/null', sync: true });
}

/** pino with a `mixin` that stamps the request id and trace ids from an AsyncLocalStorage. */
export function createPinoWithMixin(level: pino.Level = 'info'): PinoLogger {
  return pino({ level, mixin: requestFields }, devNull());
}

/**
 * pino patched by `@opentelemetry/instrumentation-pino` (default options: log correlation and
 * log sending), so each line is also emitted as an OTel record into `provider`.
 *
 * The instrumentation hooks `require`, so this pino is loaded through `createRequire` after the
 * instrumentation is enabled; the ESM `import pino` above stays unpatched for the other peer.
 * The logs globals are set on the copies resolved from the instrumentation's own location:
 * `@opentelemetry/api`'s (instrumentation-pino 0.70 and later) and `@opentelemetry/api-logs`'s
 * (earlier releases), so the peer logs into `provider` whichever release is installed.
 */
export function createInstrumentedPino(provider: LoggerProvider): PinoLogger {
  const require = createRequire(import.meta.url);
  const instrumentationPath = require.resolve('@opentelemetry/instrumentation-pino');
  const { PinoInstrumentation } = require(instrumentationPath) as {
    PinoInstrumentation: new (config?: object) => { enable(): void };
  };
  const fromInstrumentation = createRequire(instrumentationPath);
  for (const api of ['@opentelemetry/api', '@opentelemetry/api-logs']) {
    const { logs } = fromInstrumentation(api) as {
      logs: { setGlobalLoggerProvider(provider: unknown): boolean };
    };
    if (!logs.setGlobalLoggerProvider(provider)) {
      throw new Error(
        `a global OTel LoggerProvider was already registered in ${api}; the pino peer would log elsewhere`,
      );
    }
  }
  new PinoInstrumentation();
  const instrumented = require('pino') as typeof pino;
  if (instrumented === pino) throw new Error('instrumentation-pino did not patch pino');
  return instrumented({ level: 'info', mixin: requestFields }, devNull());
}
