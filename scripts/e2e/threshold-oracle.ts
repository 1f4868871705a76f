import { createHash } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { e2eCacheRoot } from './cache-dir.ts';
import { requireGo } from './require-tool.ts';
import { runChecked } from './run-command.ts';

const SOURCE_DIR = fileURLToPath(new URL('./threshold-oracle/', import.meta.url));
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];
const BINARY_NAME = 'threshold-oracle';
const BUILD_TIMEOUT_MILLIS = 10 * 60_000;

/** One question to the oracle: a probability and a precision (1–14 hex digits). */
export interface ThresholdRequest {
  probability: number;
  precision: number;
}

/** The Collector's answer; `error` when it refuses the probability (out of [2^-56, 1]). */
export interface ThresholdAnswer extends ThresholdRequest {
  /** `ProbabilityToThresholdWithPrecision(probability, precision).TValue()`. */
  tvalue: string | { error: string };
  /** The same, for the probability as the processor's `sampling_percentage` (a float32 / 100). */
  viaPercentage: string | { error: string };
}

async function oracleDir(cacheRoot: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(file).update(await readFile(join(SOURCE_DIR, file)));
  return join(cacheRoot, `threshold-oracle-${hash.digest('hex').slice(0, 12)}`);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cached oracle binary, if a build of the current sources is in the cache. */
export async function cachedThresholdOracle(
  options: { cacheRoot?: string } = {},
): Promise<string | undefined> {
  const binary = join(await oracleDir(options.cacheRoot ?? e2eCacheRoot()), BINARY_NAME);
  return (await isExecutable(binary)) ? binary : undefined;
}

/**
 * Builds the threshold oracle (scripts/e2e/threshold-oracle, a Go program over the Collector's
 * `pkg/sampling`) into the e2e cache, `threshold-oracle-<hash of its sources>/`, unless a build of
 * the same sources is there; returns the binary.
 */
export async function ensureThresholdOracle(
  options: { cacheRoot?: string; echo?: boolean } = {},
): Promise<{ binary: string; cached: boolean; millis: number }> {
  const started = performance.now();
  const cacheRoot = options.cacheRoot ?? e2eCacheRoot();
  const finalDir = await oracleDir(cacheRoot);
  const binary = join(finalDir, BINARY_NAME);
  if (await isExecutable(binary)) return { binary, cached: true, millis: performance.now() - started };
  await requireGo();
  await mkdir(cacheRoot, { recursive: true });
  const building = `${finalDir}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  try {
    await runChecked('go', ['build', '-trimpath', '-o', join(building, BINARY_NAME), '.'], {
      cwd: SOURCE_DIR,
      // The module is standalone: a go.work above the checkout must not take it in.
      env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=readonly' },
      timeoutMillis: BUILD_TIMEOUT_MILLIS,
      echo: options.echo ?? false,
    });
    try {
      await rename(building, finalDir);
    } catch (error) {
      // Another run finished the same build first: keep theirs.
      if (!(await isExecutable(binary))) throw error;
    }
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return { binary, cached: false, millis: performance.now() - started };
}

function parseAnswer(cell: string): string | { error: string } {
  return cell.startsWith('error:') ? { error: cell.slice('error:'.length).replaceAll('_', ' ') } : cell;
}

/** Asks the oracle about every request in one run; answers come back in request order. */
export async function askThresholdOracle(
  binary: string,
  requests: readonly ThresholdRequest[],
): Promise<ThresholdAnswer[]> {
  const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(requests.map((request) => `${request.probability} ${request.precision}\n`).join(''));
  const code = await exited;
  if (code !== 0) throw new Error(`${binary} exited with ${code}: ${stderr.trim()}`);
  const lines = stdout.split('\n').filter((line) => line !== '');
  if (lines.length !== requests.length) {
    throw new Error(`${binary} answered ${lines.length} of ${requests.length} requests`);
  }
  return lines.map((line, index) => {
    const [, , tvalue = '', viaPercentage = ''] = line.split('\t');
    const request = requests[index]!;
    return { ...request, tvalue: parseAnswer(tvalue), viaPercentage: parseAnswer(viaPercentage) };
  });
}
