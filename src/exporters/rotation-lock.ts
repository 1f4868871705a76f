import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Age past which a lock is taken over even though its pid runs: the pid was reused by another
 * process, or the holder hangs. A rotation holds the lock for a few renames (well under 1 s).
 */
export const STALE_LOCK_MILLIS = 10_000;
/** Lock contents are `<pid> <token>`; anything longer is not ours and only its age counts. */
const MAX_LOCK_BYTES = 64;
/** When this process started: a lock naming our pid but older than that is a previous run's. */
const processStartedAt = Date.now() - Math.ceil(process.uptime() * 1000);

/** A rotation lock this process holds. */
export interface HeldLock {
  /** Removes the lock, unless another process took it over meanwhile (then it is theirs). */
  release(): void;
}

interface LockFile {
  ino: number;
  mtimeMs: number;
  content: string;
}

/**
 * Takes the lock file at `lockPath` if it is free or stale, without ever waiting: a writer that
 * cannot take it keeps appending and tries again on a later write, so another process's
 * rotation never blocks the logging path. The file holds the holder's pid and a random token,
 * so a lock is told apart from a stale one (its pid is gone, it predates this process while
 * naming our pid, or it is older than `STALE_LOCK_MILLIS`), and a holder only ever removes its
 * own lock.
 *
 * Taking over a stale lock is guarded by a second lock file (`<lockPath>.takeover`), because
 * removing "the stale lock" is not atomic: without the guard, a writer that saw the stale lock
 * could remove the fresh lock another writer had just put in its place, and two rotations
 * would run at once.
 */
export function tryLock(lockPath: string): HeldLock | undefined {
  const content = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const held: HeldLock = { release: () => removeIfOurs(lockPath, content) };
  if (createExclusive(lockPath, content)) return held;
  const holder = readLockFile(lockPath);
  // Released between our attempt and the read: the next write tries again.
  if (holder === undefined || !isStale(holder)) return undefined;
  const guardPath = `${lockPath}.takeover`;
  if (!createExclusive(guardPath, content)) {
    // The guard is held for a few system calls; one this old was left by a writer that died
    // inside them. Remove it, so the next write can take the stale lock over.
    const guard = readLockFile(guardPath);
    if (guard !== undefined && isStale(guard)) removeIfSame(guardPath, guard);
    return undefined;
  }
  try {
    removeIfSame(lockPath, holder);
  } finally {
    removeIfOurs(guardPath, content);
  }
  return createExclusive(lockPath, content) ? held : undefined;
}

function isStale(lock: LockFile): boolean {
  const age = Date.now() - lock.mtimeMs;
  if (age > STALE_LOCK_MILLIS) return true;
  // Locks of earlier versions hold only the pid; an empty one is being written right now.
  const pid = Number(lock.content.split(' ')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return lock.mtimeMs < processStartedAt;
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `path` holding `content`, failing if it exists (O_EXCL). */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch {
    return false; // EEXIST: held; anything else (read-only directory): no rotation either
  }
  try {
    writeSync(fd, content);
    return true;
  } catch {
    // Disk full: an empty lock would look held for STALE_LOCK_MILLIS.
    unlinkQuietly(path);
    return false;
  } finally {
    closeSync(fd);
  }
}

function readLockFile(path: string): LockFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { ino, mtimeMs } = fstatSync(fd);
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    const length = readSync(fd, buffer, 0, MAX_LOCK_BYTES, 0);
    return { ino, mtimeMs, content: buffer.toString('utf8', 0, length).trim() };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Removes `path` if it is still the file `seen` (same inode and content). */
function removeIfSame(path: string, seen: LockFile): void {
  const now = readLockFile(path);
  if (now !== undefined && now.ino === seen.ino && now.content === seen.content) unlinkQuietly(path);
}

function removeIfOurs(path: string, content: string): void {
  if (readLockFile(path)?.content === content) unlinkQuietly(path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
