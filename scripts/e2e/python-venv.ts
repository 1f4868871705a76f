import { createHash } from 'node:crypto';
import { access, constants, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eCacheRoot } from './cache-dir.ts';
import { requirePython } from './require-tool.ts';
import { runChecked } from './run-command.ts';
import { PYTHON_REQUIREMENTS } from './versions.ts';

const INSTALL_TIMEOUT_MILLIS = 10 * 60_000;

export interface PythonVenv {
  /** The venv's interpreter. */
  python: string;
  cached: boolean;
  millis: number;
}

/**
 * Returns a venv with the OpenTelemetry Python SDK, its OTLP/HTTP exporter and Flask, creating
 * it (from PyPI) when the cache has none for these exact requirements. A venv's scripts hold
 * absolute paths, so it is created where it will live (`python-venv-<hash>` under the cache
 * root); a `.complete` stamp written after `pip install` succeeded marks it usable.
 */
export async function ensurePythonVenv(
  options: { cacheRoot?: string; echo?: boolean } = {},
): Promise<PythonVenv> {
  const started = performance.now();
  const cacheRoot = options.cacheRoot ?? e2eCacheRoot();
  const hash = createHash('sha256').update(PYTHON_REQUIREMENTS.join('\n')).digest('hex').slice(0, 12);
  const finalDir = join(cacheRoot, `python-venv-${hash}`);
  const python = join(finalDir, 'bin', 'python');
  const stamp = join(finalDir, '.complete');
  try {
    await access(stamp, constants.R_OK);
    await access(python, constants.X_OK);
    return { python, cached: true, millis: performance.now() - started };
  } catch {
    // Not there (or incomplete): create it below.
  }

  await requirePython();
  await mkdir(cacheRoot, { recursive: true });
  // An incomplete venv from an interrupted run has no stamp: start it again from scratch.
  await rm(finalDir, { recursive: true, force: true });
  await runChecked('python3', ['-m', 'venv', finalDir], { timeoutMillis: INSTALL_TIMEOUT_MILLIS });
  await runChecked(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...PYTHON_REQUIREMENTS],
    { timeoutMillis: INSTALL_TIMEOUT_MILLIS, echo: options.echo ?? false },
  );
  await writeFile(join(finalDir, 'requirements.txt'), PYTHON_REQUIREMENTS.join('\n') + '\n');
  // Written last: its presence is what marks the venv as complete.
  await writeFile(stamp, new Date().toISOString() + '\n');
  return { python, cached: false, millis: performance.now() - started };
}
