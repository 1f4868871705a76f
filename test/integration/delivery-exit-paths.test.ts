import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StatsSnapshot } from '../../src/index.ts';
import { startOtlpReceiver as startReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { closedPortUrl } from '../helpers/closed-port.ts';

const fixture = fileURLToPath(new URL('../fixtures/delivery-child.ts', import.meta.url));
const spoolDirs: string[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true });
  // A failed assertion skips a test's own close(); an open server would keep the file running.
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  return receiver;
}

function newSpoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-exit-'));
  spoolDirs.push(dir);
  return dir;
}

interface Child {
  process: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [fixture], {
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      LOGWEAVE_SHUTDOWN_TIMEOUT: '3000',
      LOGWEAVE_SPOOL_REPLAY_BACKOFF: '50',
      LOGWEAVE_SPOOL_REPLAY_MAX_BACKOFF: '200',
      LOGWEAVE_DIAGNOSTIC_INTERVAL: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { process: child, stdout, stderr: () => stderr, exit };
}

async function waitForLine(child: Child, matches: (line: string) => boolean): Promise<string> {
  for (;;) {
    const line = child.stdout.find(matches);
    if (line !== undefined) return line;
    const exited = await Promise.race([
      child.exit.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 20)),
    ]);
    if (exited) {
      const last = child.stdout.find(matches);
      if (last !== undefined) return last;
      throw new Error(`child exited before printing the expected line; stderr:\n${child.stderr()}`);
    }
  }
}

/** Starts a process on the same spool that replays it to `receiver`, and returns its stats. */
async function drain(spoolDir: string, receiver: OtlpReceiver, expected: number): Promise<StatsSnapshot> {
  const child = startChild({
    MODE: 'drain',
    EXPECT: String(expected),
    LOGWEAVE_SPOOL_DIR: spoolDir,
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
  });
  const line = await waitForLine(child, (text) => text.startsWith('{'));
  const { code } = await child.exit;
  assert.equal(code, 0, child.stderr());
  return JSON.parse(line) as StatsSnapshot;
}

function uniqueIndexes(receiver: OtlpReceiver): Set<unknown> {
  return new Set(
    receiver.records
      .filter((record) => record.body === 'queued line' || record.body === 'under load')
      .map((record) => record.attributes['index']),
  );
}

describe('exit paths of a logging process', { timeout: 120_000 }, () => {
  test('SIGTERM with the Collector down: the flush ends in time, records go to the spool, the next start delivers them', async () => {
    const spoolDir = newSpoolDir();
    const lines = 500;
    const child = startChild({
      MODE: 'wait',
      LINES: String(lines),
      LOGWEAVE_SPOOL_DIR: spoolDir,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: await closedPortUrl(),
    });
    await waitForLine(child, (line) => line === 'ready');
    child.process.kill('SIGTERM');
    const { code, signal } = await child.exit;
    assert.equal(code, null);
    assert.equal(signal, 'SIGTERM', 'the process still dies of the signal');
    assert.ok(readdirSync(spoolDir).length > 0, 'the unsent records are in the spool');

    const receiver = await startOtlpReceiver();
    const stats = await drain(spoolDir, receiver, lines);
    assert.equal(uniqueIndexes(receiver).size, lines);
    assert.equal(receiver.records.length, lines, 'each record once');
    assert.equal(stats.exported, lines);
    assert.deepEqual(readdirSync(spoolDir), []);
    await receiver.close();
  });

  test('SIGINT with the Collector up: everything is delivered, then the process dies of SIGINT', async () => {
    const receiver = await startOtlpReceiver();
    const lines = 300;
    const child = startChild({
      MODE: 'wait',
      LINES: String(lines),
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    });
    await waitForLine(child, (line) => line === 'ready');
    assert.equal(receiver.records.length, 0);
    child.process.kill('SIGINT');
    const { code, signal } = await child.exit;
    assert.equal(code, null);
    assert.equal(signal, 'SIGINT');
    assert.equal(uniqueIndexes(receiver).size, lines);
    await receiver.close();
  });

  test('the event loop runs dry (beforeExit): queued records are flushed before the process ends', async () => {
    const receiver = await startOtlpReceiver();
    const lines = 150;
    const child = startChild({
      MODE: 'natural',
      LINES: String(lines),
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    });
    const { code } = await child.exit;
    assert.equal(code, 0);
    assert.equal(uniqueIndexes(receiver).size, lines);
    assert.equal(receiver.records.length, lines);
    await receiver.close();
  });

  test('process.exit(3): the exit code is kept and queued records are spooled synchronously for the next start', async () => {
    const receiver = await startOtlpReceiver();
    const spoolDir = newSpoolDir();
    const lines = 200;
    const child = startChild({
      MODE: 'exit',
      LINES: String(lines),
      LOGWEAVE_SPOOL_DIR: spoolDir,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
    });
    const { code, signal } = await child.exit;
    assert.equal(code, 3);
    assert.equal(signal, null);
    assert.equal(receiver.records.length, 0, 'nothing asynchronous can run after process.exit()');
    const stats = await drain(spoolDir, receiver, lines);
    assert.equal(stats.exported, lines);
    assert.equal(uniqueIndexes(receiver).size, lines);
    await receiver.close();
  });

  test('process.exit without a spool: the loss is counted and said on stderr', async () => {
    const receiver = await startOtlpReceiver();
    const child = startChild({ MODE: 'exit', LINES: '20', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url });
    const { code } = await child.exit;
    assert.equal(code, 3);
    assert.match(
      child.stderr(),
      /\[shutdown_timeout\] 20 log records dropped: the process ended before they were sent and no spool is set/,
    );
    assert.match(child.stderr(), /\[summary\] at exit \(code 3\): 20 of 20 log records emitted were lost/);
    await receiver.close();
  });

  for (const { mode, message, what } of [
    { mode: 'throw', message: 'boom from child', what: 'uncaught exception' },
    { mode: 'reject', message: 'rejected in child', what: 'unhandled rejection' },
  ]) {
    test(`${what}: logged as FATAL and flushed, then the process dies as it would have without logweave`, async () => {
      const receiver = await startOtlpReceiver();
      const lines = 100;
      const child = startChild({
        MODE: mode,
        LINES: String(lines),
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
      });
      const { code, signal } = await child.exit;
      const bare = startChild({ MODE: mode, WITHOUT_LOGWEAVE: '1' });
      const without = await bare.exit;

      assert.equal(code, without.code, 'same exit code as without logweave');
      assert.equal(code, 1);
      assert.equal(signal, null);
      assert.ok(child.stderr().includes(`Error: ${message}`), child.stderr());
      assert.ok(bare.stderr().includes(`Error: ${message}`));
      assert.match(child.stderr(), /at .*delivery-child\.ts/, 'the stack is printed as usual');

      assert.equal(uniqueIndexes(receiver).size, lines, 'records queued before the error are flushed');
      const fatal = receiver.records.find((record) => record.severityText === 'FATAL');
      assert.ok(fatal !== undefined, 'the error is logged as FATAL');
      assert.equal(fatal.body, `${what}: ${message}`);
      assert.equal(fatal.scope, 'process');
      assert.equal(fatal.attributes['exception.message'], message);
      await receiver.close();
    });
  }

  test('kill -9 mid-load, then a restart: the spooled records are delivered, a torn tail is never sent', async () => {
    const spoolDir = newSpoolDir();
    const child = startChild({
      MODE: 'load',
      LOGWEAVE_SPOOL_DIR: spoolDir,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: await closedPortUrl(),
    });
    const line = await waitForLine(child, (text) => Number(text.split(' ')[1]) >= 2000);
    const spooledBeforeKill = Number(line.split(' ')[1]);
    child.process.kill('SIGKILL');
    const { signal } = await child.exit;
    assert.equal(signal, 'SIGKILL');

    // Tear the newest segment as a crash in the middle of a write would.
    const segments = readdirSync(spoolDir).sort();
    const newest = join(spoolDir, segments.at(-1)!);
    truncateSync(newest, statSync(newest).size - 7);

    const receiver = await startOtlpReceiver();
    const stats = await drain(spoolDir, receiver, spooledBeforeKill);
    assert.ok(
      receiver.requests.every((request) => request.status === 200),
      'no garbage reached the receiver',
    );
    const torn = stats.dropped.spool_corrupt ?? 0;
    assert.ok(torn > 0 && torn <= 50, `the torn frame (at most one batch) is counted: ${torn}`);
    const delivered = uniqueIndexes(receiver).size;
    assert.equal(delivered, receiver.records.length, 'no record arrives twice');
    assert.ok(
      delivered >= spooledBeforeKill - torn,
      `${delivered} delivered; ${spooledBeforeKill} were spooled before the kill, ${torn} torn`,
    );
    await receiver.close();
  });
});
