/**
 * How long exports may keep trying during a bounded flush of `timeoutMillis`: the rest is kept
 * for writing what did not make it to the spool, so the flush as a whole ends in time.
 */
export function exportBudgetMillis(timeoutMillis: number): number {
  return Math.max(0, timeoutMillis - Math.min(500, Math.floor(timeoutMillis / 5)));
}
