import { SeverityNumber } from '@opentelemetry/api';

/*
 * winston's level names in its three built-in sets (npm, the default; syslog; cli) and the OTel
 * level names, mapped as @opentelemetry/winston-transport maps them, so a service moving from
 * the instrumentation keeps its severities. A name in several sets means the same everywhere.
 */
const SEVERITY_BY_LEVEL: Readonly<Record<string, SeverityNumber>> = {
  // OpenTelemetry's names
  fatal: SeverityNumber.FATAL,
  trace: SeverityNumber.TRACE,
  // npm
  error: SeverityNumber.ERROR,
  warn: SeverityNumber.WARN,
  info: SeverityNumber.INFO,
  http: SeverityNumber.DEBUG3,
  verbose: SeverityNumber.DEBUG2,
  debug: SeverityNumber.DEBUG,
  silly: SeverityNumber.TRACE,
  // syslog
  emerg: SeverityNumber.FATAL3,
  alert: SeverityNumber.FATAL2,
  crit: SeverityNumber.FATAL,
  warning: SeverityNumber.WARN,
  notice: SeverityNumber.INFO2,
  // cli
  help: SeverityNumber.INFO3,
  data: SeverityNumber.INFO2,
  prompt: SeverityNumber.TRACE4,
  input: SeverityNumber.TRACE2,
};

/** The OTel severity of a winston level name; a custom name is INFO (the OTel default severity). */
export function severityOfWinstonLevel(level: unknown): SeverityNumber {
  return (
    (typeof level === 'string' && Object.hasOwn(SEVERITY_BY_LEVEL, level)
      ? SEVERITY_BY_LEVEL[level]
      : undefined) ?? SeverityNumber.INFO
  );
}
