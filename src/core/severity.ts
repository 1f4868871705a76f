import { SeverityNumber } from '@opentelemetry/api';

/** Severity names accepted in options, config files and `LOGWEAVE_LEVEL`, lowest first. */
export const SEVERITY_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** The OTel severity number each facade method emits (the first of its range, as the data model suggests). */
export const SEVERITY_NUMBER_BY_NAME: Readonly<Record<SeverityName, SeverityNumber>> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** The severity text written on records: the upper-case name, as OTel's pino/winston bridges do. */
export const SEVERITY_TEXT_BY_NAME: Readonly<Record<SeverityName, string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
};

/**
 * Maps any OTel severity number (1..24) to its range name: 1-4 trace, 5-8 debug, 9-12 info,
 * 13-16 warn, 17-20 error, 21-24 fatal. Unspecified (0) or out-of-range values count as info.
 */
export function severityNameOf(severityNumber: number | undefined): SeverityName {
  if (severityNumber === undefined || severityNumber < 1 || severityNumber > 24) return 'info';
  return SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)] ?? 'info';
}
