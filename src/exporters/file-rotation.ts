import { closeSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';

/** How long a rotation lock may be held before another process may take it over. */
const STALE_LOCK_MILLIS = 10_000;
/** Longest a writer waits for another process's rotation before writing anyway. */
const LOCK_WAIT_MILLIS = 2000;
const LOCK_POLL_MILLIS = 2;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Rotates `path` to `path.1` (shifting `.1`…`.n-1` up and dropping `.n`) if it still holds at
 * least `rotateAtBytes`, under a lock file shared by every process writing to `path`.
 *
 * Why this is safe across processes: each writer opens `path` with O_APPEND for every line and
 * writes the line with one `write()`, so a line is never split; a writer that opened the file
 * just before a rotation renamed it appends its whole line to `path.1`. The lock only makes
 * sure one process rotates at a time, and the size is checked again under the lock, so two
 * writers that both saw a full file rotate it once.
 */
export function rotateIfFull(path: string, rotateAtBytes: number, maxFiles: number): void {
  const lockPath = `${path}.rotate-lock`;
  if (!acquireLock(lockPath)) return; // writing a little past the limit beats blocking the app
  try {
    if (sizeOf(path) < rotateAtBytes) return; // another process rotated it meanwhile
    if (maxFiles === 0) {
      unlinkSync(path);
      return;
    }
    rmSync(`${path}.${maxFiles}`, { force: true });
    for (let index = maxFiles - 1; index >= 1; index--) {
      try {
        renameSync(`${path}.${index}`, `${path}.${index + 1}`);
      } catch {
        // A gap in the chain (a file removed by hand) is fine.
      }
    }
    renameSync(path, `${path}.1`);
  } catch {
    // The file vanished or the directory is read-only: the next write reports it.
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function acquireLock(lockPath: string): boolean {
  const giveUpAt = Date.now() + LOCK_WAIT_MILLIS;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    try {
      // A process killed while rotating leaves its lock behind.
      if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MILLIS) rmSync(lockPath, { force: true });
    } catch {
      // Released meanwhile; try again.
    }
    if (Date.now() >= giveUpAt) return false;
    // Rotation takes a few renames; a short synchronous wait keeps export() synchronous.
    Atomics.wait(sleeper, 0, 0, LOCK_POLL_MILLIS);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
