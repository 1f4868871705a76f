import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Root of the e2e build cache, outside the work tree so builds survive checkouts:
 * `LOGWEAVE_E2E_CACHE`, else `${XDG_CACHE_HOME:-$HOME/.cache}/logweave`.
 */
export function e2eCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['LOGWEAVE_E2E_CACHE']) return env['LOGWEAVE_E2E_CACHE'];
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'logweave');
}
