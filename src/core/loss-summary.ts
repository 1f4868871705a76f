import type { DropReason, StatsSnapshot } from './stats.ts';

/** Drops the sampling policy chose: not losses, so the summary leaves them out. */
const POLICY_REASONS: ReadonlySet<DropReason> = new Set(['sampled_out', 'not_allowlisted', 'burst']);

/**
 * The last word of a pipeline when the process ends or `shutdown()` resolves: the exact number
 * of records lost, by reason, and what waits in the spool. The rate-limited lines before it only
 * said "N so far" once per interval. Undefined when nothing was lost and nothing waits.
 *
 * @example
 * // on SIGTERM: 700 of 1000 log records emitted were lost (shutdown_timeout 600, export_failed 100); 300 exported, 0 in the spool
 */
export function lossSummary(stats: StatsSnapshot, when: string, inSpool: number): string | undefined {
  const losses = Object.entries(stats.dropped)
    .filter(([reason, count]) => !POLICY_REASONS.has(reason as DropReason) && (count ?? 0) > 0)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0));
  const lost = losses.reduce((sum, [, count]) => sum + (count ?? 0), 0);
  if (lost === 0 && inSpool === 0) return undefined;
  const byReason =
    losses.length === 0 ? '' : ` (${losses.map(([reason, count]) => `${reason} ${count}`).join(', ')})`;
  const spool =
    inSpool === 0
      ? '0 in the spool'
      : `${inSpool} in the spool, sent when the endpoint answers or at the next start`;
  return `${when}: ${lost} of ${stats.emitted} log records emitted were lost${byReason}; ${stats.exported} exported, ${spool}`;
}
