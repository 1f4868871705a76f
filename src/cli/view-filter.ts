import { severityOfRecord, severityRank } from './record-severity.ts';
import type { SeverityName } from '../config/severity.ts';
import type { ViewRecord } from './view-record.ts';

/** What `logweave view` keeps; every list matches any of its entries, lists combine with AND. */
export interface ViewFilterOptions {
  /** Trace ids (32 hex characters, any case). */
  traces: readonly string[];
  /** Exact `request.id` values. */
  requestIds: readonly string[];
  /** Exact `service.name` values. */
  services: readonly string[];
  /** Module names: `payments` matches `payments` and `payments.stripe`; `*` matches any characters. */
  modules: readonly string[];
  /** Minimum severity (inclusive). */
  minSeverity: SeverityName | undefined;
}

/** Compiles the options into one predicate, so each record costs a few set lookups. */
export function compileViewFilter(options: ViewFilterOptions): (record: ViewRecord) => boolean {
  const traces = new Set(options.traces.map((trace) => trace.toLowerCase()));
  const requestIds = new Set(options.requestIds);
  const services = new Set(options.services);
  const modules = options.modules.map(compileModulePattern);
  const minRank = options.minSeverity === undefined ? -1 : severityRank(options.minSeverity);
  return (record) =>
    (traces.size === 0 || traces.has(record.traceId)) &&
    (requestIds.size === 0 || requestIds.has(record.requestId)) &&
    (services.size === 0 || services.has(record.service)) &&
    (modules.length === 0 || modules.some((matches) => matches(record.module))) &&
    (minRank < 0 || severityRank(severityOfRecord(record)) >= minRank);
}

function compileModulePattern(pattern: string): (module: string) => boolean {
  if (!pattern.includes('*')) return (module) => module === pattern || module.startsWith(`${pattern}.`);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (module) => regex.test(module);
}
