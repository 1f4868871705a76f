import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { STALE_LOCK_MILLIS, tryLock } from '../../src/exporters/rotation-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'logweave-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const newLockPath = (): string => join(dir, `logs-${counter++}.jsonl.rotate-lock`);

/** A pid no process holds any more: a child's, once it has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid!;

/** Makes a file look `millis` old. */
function age(path: string, millis: number): void {
  const then = new Date(Date.now() - millis);
  utimesSync(path, then, then);
}

describe('rotation lock', () => {
  test('a free lock is taken, names this process, and is gone once released', () => {
    const lockPath = newLockPath();
    const lock = tryLock(lockPath);
    assert.ok(lock !== undefined);
    assert.match(readFileSync(lockPath, 'utf8'), new RegExp(`^${process.pid} [0-9a-f]{16}$`));
    assert.equal(tryLock(lockPath), undefined, 'held: a second writer does not get it');
    lock.release();
    assert.ok(!existsSync(lockPath));
  });

  test('a lock whose pid is gone is taken over at once, whatever its format', () => {
    for (const content of [`${deadPid()}`, `${deadPid()} 0123456789abcdef`]) {
      const lockPath = newLockPath();
      writeFileSync(lockPath, content);
      const lock = tryLock(lockPath);
      assert.ok(lock !== undefined, content);
      assert.notEqual(readFileSync(lockPath, 'utf8'), content);
      lock.release();
      assert.ok(!existsSync(`${lockPath}.takeover`), 'the takeover guard is released');
    }
  });

  test('a live lock is left alone until it is older than STALE_LOCK_MILLIS (pid reused, or the holder hangs)', () => {
    const lockPath = newLockPath();
    // The parent of this test runner runs, and is not this process.
    const content = `${process.ppid} someone-else`;
    writeFileSync(lockPath, content);
    assert.equal(tryLock(lockPath), undefined);
    assert.equal(readFileSync(lockPath, 'utf8'), content);
    age(lockPath, STALE_LOCK_MILLIS + 1000);
    assert.ok(tryLock(lockPath) !== undefined);
  });

  test('a lock naming this pid but older than this process is an earlier run’s', () => {
    const lockPath = newLockPath();
    writeFileSync(lockPath, `${process.pid} earlier-run`);
    age(lockPath, Math.ceil(process.uptime() * 1000) + 2000);
    assert.ok(tryLock(lockPath) !== undefined);
  });

  test('an empty or unreadable lock (its writer may be writing it now) counts only by its age', () => {
    const lockPath = newLockPath();
    writeFileSync(lockPath, '');
    assert.equal(tryLock(lockPath), undefined);
    writeFileSync(lockPath, 'not a pid at all');
    assert.equal(tryLock(lockPath), undefined);
    age(lockPath, STALE_LOCK_MILLIS + 1000);
    assert.ok(tryLock(lockPath) !== undefined);
  });

  test('a takeover guard left by a dead writer is cleared, and the next attempt takes the stale lock', () => {
    const lockPath = newLockPath();
    writeFileSync(lockPath, `${deadPid()} stale`);
    writeFileSync(`${lockPath}.takeover`, `${deadPid()} died-during-takeover`);
    assert.equal(tryLock(lockPath), undefined, 'this attempt only clears the guard');
    assert.ok(!existsSync(`${lockPath}.takeover`));
    assert.ok(tryLock(lockPath) !== undefined);
  });

  test('a live takeover guard makes other writers back off without touching either file', () => {
    const lockPath = newLockPath();
    const stale = `${deadPid()} stale`;
    const guard = `${process.ppid} taking-over`;
    writeFileSync(lockPath, stale);
    writeFileSync(`${lockPath}.takeover`, guard);
    assert.equal(tryLock(lockPath), undefined);
    assert.equal(readFileSync(lockPath, 'utf8'), stale);
    assert.equal(readFileSync(`${lockPath}.takeover`, 'utf8'), guard);
  });

  test('release leaves a lock that another writer took over meanwhile', () => {
    const lockPath = newLockPath();
    const lock = tryLock(lockPath);
    assert.ok(lock !== undefined);
    writeFileSync(lockPath, `${process.ppid} took-it-over`);
    lock.release();
    assert.equal(readFileSync(lockPath, 'utf8'), `${process.ppid} took-it-over`);
  });
});
