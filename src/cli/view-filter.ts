import { severityOfRecord, severityRank } from './record-severity.ts';
import type { SeverityName } from '../core/severity.ts';
import { matchesModule, moduleLineage, parseModulePattern } from '../sampling/module-pattern.ts';
import type { ViewRecord } from './view-record.ts';

/** What `logweave view` keeps; every list matches any of its entries, lists combine with AND. */
export interface ViewFilterOptions {
  /** Trace ids (32 hex characters, any case). */
  traces: readonly string[];
  /** Exact `request.id` values. */
  requestIds: readonly string[];
  /** Exact `service.name` values. */
  services: readonly string[];
  /**
   * Module patterns as in sampling rules: `payments` matches `payments` and every module below
   * it (`payments.stripe`); a `*` segment matches any one segment (`auth.*`, `*.webhooks`).
   */
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

/**
 * The sampling policy's own module patterns and inheritance (`src/sampling/module-pattern.ts`),
 * so `--module` selects exactly the modules a rule or allow-list entry with that name governs.
 */
function compileModulePattern(source: string): (module: string) => boolean {
  const pattern = parseModulePattern(source);
  return (module) => moduleLineage(module).some((segments) => matchesModule(pattern, segments));
}
