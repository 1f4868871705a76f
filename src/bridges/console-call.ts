import { formatWithOptions } from 'node:util';
import { SEVERITY_NUMBER_BY_NAME, SEVERITY_TEXT_BY_NAME, type SeverityName } from '../core/severity.ts';
import type { Logger } from '../logger/logger.ts';

/** The `console` methods logweave captures (the ones that print a message). */
export const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
export type ConsoleMethod = (typeof CONSOLE_METHODS)[number];

/** The module (instrumentation scope) of captured console calls, for sampling rules. */
export const CONSOLE_MODULE = 'console';

const SEVERITY_BY_METHOD: Readonly<Record<ConsoleMethod, SeverityName>> = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
  trace: 'trace',
};

/**
 * Sends one `console.<method>(...args)` call into logweave through the `console` module's facade
 * logger: gated first (a dropped call is not even formatted), then the text exactly as the
 * console prints it (`util.format`), with the first Error argument as `exception.*` and, for
 * `console.trace`, the caller's `stack` as `code.stacktrace` (what the console prints after the message).
 */
export function emitConsoleCall(
  logger: Logger,
  method: ConsoleMethod,
  args: readonly unknown[],
  stack?: string,
): void {
  const severity = SEVERITY_BY_METHOD[method];
  const severityNumber = SEVERITY_NUMBER_BY_NAME[severity];
  if (!logger.wouldEmit(severityNumber)) return;
  const exception = args.find((arg) => arg instanceof Error);
  logger.emitForeign({
    severityNumber,
    severityText: SEVERITY_TEXT_BY_NAME[severity],
    body: formatWithOptions({ colors: false }, ...args),
    attributes: stack === undefined ? undefined : { 'code.stacktrace': stack },
    exception,
  });
}
