import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sigkillRuns } from '../helpers/sigkill-runs.ts';

/*
 * `delivery.durableSeverity: 'error'` writes every ERROR/FATAL record to the spool before emit()
 * returns, so a SIGKILL loses none of them; the rest keep the in-memory window (at most what the
 * batch queue and the request in flight hold). 20 kills of a service logging 2,000 records/s.
 */
test(
  '20 SIGKILLs at 2,000 logs/s with durableSeverity error: no ERROR record is lost',
  { timeout: 120_000 },
  async () => {
    const result = await sigkillRuns({
      runs: 20,
      recordsPerRun: 1000,
      env: { LOGWEAVE_DURABLE_SEVERITY: 'error' },
    });
    assert.ok(result.errors >= 20 * 90, `ERRORs emitted before the kills: ${result.errors}`);
    assert.equal(result.errorsLost, 0, JSON.stringify(result));
  },
);

test(
  'what a killed process journaled is replayed by the next start even if it journals nothing itself',
  { timeout: 60_000 },
  async () => {
    const result = await sigkillRuns({
      runs: 3,
      recordsPerRun: 1000,
      env: { LOGWEAVE_DURABLE_SEVERITY: 'error' },
      drainEnv: { LOGWEAVE_DURABLE_SEVERITY: 'off' },
    });
    assert.ok(result.errors >= 3 * 90);
    assert.equal(result.errorsLost, 0, JSON.stringify(result));
  },
);
