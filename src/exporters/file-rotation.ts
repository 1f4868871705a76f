import { renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tryLock } from './rotation-lock.ts';

/**
 * Rotates `path` to `path.1` (shifting `.1`…`.n-1` up and dropping `.n`) if it still holds at
 * least `rotateAtBytes`, under a lock file shared by every process writing to `path`.
 *
 * Why this is safe across processes: each writer opens `path` with O_APPEND for every line and
 * writes the line with one `write()`, so a line is never split; a writer that opened the file
 * just before a rotation renamed it appends its whole line to the renamed file. The lock makes
 * sure one process rotates at a time, and the size is checked again under the lock, so two
 * writers that both saw a full file rotate it once. A writer that finds the lock held does not
 * wait for it (see `tryLock`): it appends to whatever file `path` names (the fresh one once the
 * holder renamed the full one) and, if that is still full, tries again on its next write.
 *
 * The live file is renamed first, to `path.0`, and the older files are shifted after: writers
 * get a fresh file at once instead of appending to the full one while the rotation renames one
 * file per rotated file that exists. `path.0` becomes `path.1` before the lock is released; one
 * left by a rotation that died half-way is moved into place by the next rotation.
 */
export function rotateIfFull(path: string, rotateAtBytes: number, maxFiles: number): void {
  const lock = tryLock(`${path}.rotate-lock`);
  if (lock === undefined) return;
  const rotating = `${path}.0`;
  try {
    if (exists(rotating)) finishRotation(path, maxFiles);
    if (sizeOf(path) < rotateAtBytes) return; // another process rotated it meanwhile
    if (maxFiles === 0) {
      unlinkSync(path);
      return;
    }
    renameSync(path, rotating);
    finishRotation(path, maxFiles);
  } catch {
    // The file vanished or the directory is read-only: the next write reports it.
  } finally {
    lock.release();
  }
}

/** Moves `path.0` to `path.1`, after shifting the older files up. */
function finishRotation(path: string, maxFiles: number): void {
  if (maxFiles === 0) {
    unlinkSync(`${path}.0`);
    return;
  }
  shiftRotatedFiles(path, maxFiles);
  renameSync(`${path}.0`, `${path}.1`);
}

/**
 * Moves `.1`…`.k` up by one, where `.k` is the last of the run that starts at `.1`, and drops
 * `.maxFiles` if the run reaches it: one stat per existing file plus one, and one rename per
 * existing file, instead of `maxFiles` attempts. A file after a gap (one removed by hand) stays
 * where it is until the run reaches it; nothing is ever renamed onto an existing file.
 */
function shiftRotatedFiles(path: string, maxFiles: number): void {
  let last = 0;
  while (last < maxFiles && exists(`${path}.${last + 1}`)) last++;
  if (last === maxFiles) {
    rmSync(`${path}.${maxFiles}`, { force: true });
    last--;
  }
  for (let index = last; index >= 1; index--) renameSync(`${path}.${index}`, `${path}.${index + 1}`);
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

function sizeOf(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}
