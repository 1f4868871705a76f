import { SEVERITY_NAMES, severityNameOf, type SeverityName } from '../core/severity.ts';
import type { ViewRecord } from './view-record.ts';

const TEXT_ALIASES: Readonly<Record<string, SeverityName>> = {
  warning: 'warn',
  critical: 'fatal',
  err: 'error',
};

/**
 * The severity range a record belongs to: from its number (1-4 trace … 21-24 fatal), or, when
 * a producer left the number unspecified, from its text; records with neither count as info,
 * as `severityNameOf` does for the sampling policy.
 */
export function severityOfRecord(record: Pick<ViewRecord, 'severityNumber' | 'severityText'>): SeverityName {
  if (record.severityNumber >= 1 && record.severityNumber <= 24) return severityNameOf(record.severityNumber);
  const text = record.severityText.toLowerCase();
  if ((SEVERITY_NAMES as readonly string[]).includes(text)) return text as SeverityName;
  return TEXT_ALIASES[text] ?? 'info';
}

/** The rank of a severity name, lowest (trace) first. */
export function severityRank(name: SeverityName): number {
  return SEVERITY_NAMES.indexOf(name);
}
