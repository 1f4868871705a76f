import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closedPortUrl } from '../helpers/closed-port.ts';
import { startLoggingChild, tell, waitForLine } from '../helpers/logging-child.ts';

/*
 * The rate-limited diagnostic says "N so far" once a minute; when the process ends, its last
 * logweave line must give the exact totals lost, by reason, on every exit path.
 */
const child = fileURLToPath(new URL('../fixtures/shutdown-child.ts', import.meta.url));
const LINES = 1000;

/** Parses the final summary line: how many were emitted, and what was lost by reason. */
function parseSummary(line: string): { emitted: number; lost: Record<string, number> } | undefined {
  const match =
    /^logweave: \[summary\] .*?: (\d+) of (\d+) log records emitted were lost(?: \(([^)]*)\))?/.exec(line);
  if (match === null) return undefined;
  const lost: Record<string, number> = {};
  for (const part of (match[3] ?? '').split(', ').filter((each) => each !== '')) {
    const [reason, count] = part.split(' ');
    lost[reason!] = Number(count);
  }
  const total = Object.values(lost).reduce((sum, count) => sum + count, 0);
  assert.equal(total, Number(match[1]), `the reasons add up to the total: ${line}`);
  return { emitted: Number(match[2]), lost };
}

describe('the last diagnostic line gives the exact losses', { timeout: 120_000 }, () => {
  for (const end of ['signal', 'shutdown', 'exit', 'natural', 'throw'] as const) {
    test(`ending by ${end}: the final summary counts every lost record by reason`, async () => {
      const logging = startLoggingChild(child, {
        END: end,
        LINES: String(LINES),
        BATCH: '100',
        // Nothing listens, nothing is spooled: every record is lost, and must be said to be.
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: await closedPortUrl(),
        OTEL_EXPORTER_OTLP_TIMEOUT: '300',
        LOGWEAVE_SHUTDOWN_TIMEOUT: '1000',
        // The default interval (60 s): every reason after its first line is suppressed.
      });
      await waitForLine(logging, (line) => line === 'ready');
      if (end === 'signal') logging.process.kill('SIGTERM');
      else tell(logging);
      await logging.exit;
      const lines = logging
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('logweave:'));
      const last = lines.at(-1) ?? '';
      const summary = parseSummary(last);
      assert.ok(summary !== undefined, `the last logweave line is a summary:\n${lines.join('\n')}`);
      const emitted = end === 'throw' ? LINES + 1 : LINES; // the FATAL record of the error
      assert.equal(summary.emitted, emitted, last);
      const lost = Object.values(summary.lost).reduce((sum, count) => sum + count, 0);
      assert.equal(lost, emitted, `nothing could be delivered, so everything is lost: ${last}`);
    });
  }
});
