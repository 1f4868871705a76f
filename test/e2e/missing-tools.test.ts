/**
 * The e2e suite must fail, saying what to install, when Go or Python is missing — never skip.
 * Runs `scripts/e2e/prepare.ts` (what `npm run test:e2e` runs first) with an empty PATH and an
 * empty cache, so nothing is found and nothing is built.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const PREPARE = fileURLToPath(new URL('../../scripts/e2e/prepare.ts', import.meta.url));

test('without Go and Python on PATH, prepare exits 1 and names both with what to install', async () => {
  const root = await mkdtemp(join(tmpdir(), 'logweave-e2e-missing-'));
  try {
    const emptyPath = join(root, 'bin');
    const result = spawnSync(process.execPath, [PREPARE], {
      env: { PATH: emptyPath, HOME: root, LOGWEAVE_E2E_CACHE: join(root, 'cache') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1, `exit status (stderr: ${result.stderr})`);
    assert.match(result.stderr, /needs `go`.*Install Go 1\.25 or newer/);
    assert.match(result.stderr, /needs `python3`.*Install Python 3\.9 or newer/);
    assert.doesNotMatch(result.stdout, /collector:/, 'nothing was built');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
