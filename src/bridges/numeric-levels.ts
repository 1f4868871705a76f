import { SeverityNumber } from '@opentelemetry/api';

/** pino's and bunyan's standard levels and the OTel severity each one is (the first of its range). */
const STANDARD: Readonly<Record<number, SeverityNumber>> = {
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
};

/** The severities left for custom levels: every number of each range but its first. */
const BETWEEN: readonly SeverityNumber[] = [
  SeverityNumber.TRACE2,
  SeverityNumber.TRACE3,
  SeverityNumber.TRACE4,
  SeverityNumber.DEBUG2,
  SeverityNumber.DEBUG3,
  SeverityNumber.DEBUG4,
  SeverityNumber.INFO2,
  SeverityNumber.INFO3,
  SeverityNumber.INFO4,
  SeverityNumber.WARN2,
  SeverityNumber.WARN3,
  SeverityNumber.WARN4,
  SeverityNumber.ERROR2,
  SeverityNumber.ERROR3,
  SeverityNumber.ERROR4,
  SeverityNumber.FATAL2,
  SeverityNumber.FATAL3,
  SeverityNumber.FATAL4,
];

/**
 * The OTel severity of a pino (or bunyan) numeric level, as `@opentelemetry/instrumentation-pino`
 * maps it, so a service moving from the instrumentation to `logweave/pino` keeps its severities:
 * the six standard levels exactly, a custom level by its place on the scale from 10 (trace) to
 * 70 onto the in-between severities (35 is INFO3, above 60 is FATAL2..4).
 */
export function severityOfNumericLevel(level: number): SeverityNumber {
  const standard = STANDARD[level];
  if (standard !== undefined) return standard;
  if (!Number.isFinite(level)) return level > 0 ? SeverityNumber.FATAL4 : SeverityNumber.TRACE2;
  const index = Math.floor(((level - 10) / 60) * BETWEEN.length);
  return BETWEEN[Math.min(BETWEEN.length - 1, Math.max(0, index))] as SeverityNumber;
}
