import { RELEASE_RULES, SAMPLING_ATTRIBUTES } from '../core/attribute-names.ts';
import { severityOfRecord, severityRank } from './record-severity.ts';
import type { ViewRecord } from './view-record.ts';

const RELEASE_RULE_NAMES: ReadonlySet<string> = new Set(Object.values(RELEASE_RULES));

/**
 * Why a record is in the file, as the timeline shows it: `error` (ERROR/FATAL, always kept),
 * one of the release rules (`error_buffer`, `upstream_failure`, `late_release`, `forced`: a
 * record sampling had dropped, kept because its request or trace failed, or on request), the
 * probability rule that sampled it (`sampled:payments.info`), or `-` when the record says
 * nothing (kept by a rule at 1, or written without a sampling policy).
 */
export function keptBy(record: ViewRecord): string {
  const rule = record.attributes[SAMPLING_ATTRIBUTES.rule];
  if (typeof rule === 'string' && RELEASE_RULE_NAMES.has(rule)) return rule;
  if (severityRank(severityOfRecord(record)) >= severityRank('error')) return 'error';
  if (typeof rule === 'string') return `sampled:${rule}`;
  return '-';
}
