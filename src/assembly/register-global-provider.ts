import { logs, type LoggerProvider as ApiLoggerProvider } from '@opentelemetry/api';
import { logs as legacyLogs } from '@opentelemetry/api-logs';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';

/**
 * Makes `provider` the global logs provider of both logs APIs: `logs` in `@opentelemetry/api`
 * (1.10+, what current instrumentations — pino, winston, bunyan — and the NodeSDK use) and
 * `@opentelemetry/api-logs` (what `@opentelemetry/winston-transport` and older instrumentations
 * use; its global is shared by every copy of the package). Log instrumentations then reach
 * logweave's chain whichever API they were built on.
 *
 * A provider registered before (a NodeSDK started by `--import
 * @opentelemetry/auto-instrumentations-node/register`, which builds a logs pipeline of its own from
 * `OTEL_LOGS_EXPORTER`) is replaced, once, with one diagnostic line: two pipelines would export the
 * same records twice. Loggers obtained from it before this call keep it.
 *
 * @returns a function that unregisters `provider` from both APIs, if it is still the global one.
 */
/** Providers registered here: replacing another `createLogging()`'s provider needs no warning. */
const ours = new WeakSet<object>();

export function registerGlobalProvider(
  provider: ApiLoggerProvider,
  diagnostics: DiagnosticReporter,
): () => void {
  const previous = logs.getLoggerProvider();
  ours.add(provider);
  let replaced = false;
  // A refused registration also logs a diag error, which says the same as our line below.
  if (!logs.setGlobalLoggerProvider(provider)) {
    logs.disable();
    logs.setGlobalLoggerProvider(provider);
    replaced = true;
  }
  const legacy = provider as unknown as Parameters<typeof legacyLogs.setGlobalLoggerProvider>[0];
  if (legacyLogs.setGlobalLoggerProvider(legacy) !== legacy) {
    legacyLogs.disable();
    legacyLogs.setGlobalLoggerProvider(legacy);
    replaced = true;
  }
  if (replaced && !ours.has(previous)) {
    diagnostics.report(
      'global_logger_provider',
      `another LoggerProvider (${previous.constructor.name}) was registered as the global logs provider; ` +
        "logweave's replaced it so that log instrumentations (pino, winston, bunyan) and the logs API reach " +
        "logweave's pipeline instead of a second one. With @opentelemetry/auto-instrumentations-node, nothing else is needed.",
    );
  }
  return () => {
    if (logs.getLoggerProvider() === provider) logs.disable();
    if (legacyLogs.getLoggerProvider() === legacy) legacyLogs.disable();
  };
}
