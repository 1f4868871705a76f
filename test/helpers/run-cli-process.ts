import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's source entry; Node 24 runs it directly (type stripping), as `npx logweave` runs the build. */
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Node script as a child process (the same Node binary as the tests), feeding `stdin`
 * if given, and resolves when it exits. Killed after `timeoutMillis` so a hang fails the test.
 */
export function runNodeScript(
  script: string,
  args: readonly string[],
  options: {
    stdin?: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMillis?: number;
    /** Pause after every chunk of stdout, so a large output meets backpressure again and again. */
    readSlowly?: boolean;
  } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.readSlowly === true) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMillis ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs `logweave ARGS…` from the sources. */
export function runCli(
  args: readonly string[],
  options: { stdin?: string; readSlowly?: boolean } = {},
): Promise<ProcessResult> {
  return runNodeScript(CLI_ENTRY, args, options);
}
