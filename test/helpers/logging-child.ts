import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A fixture running in a child process, with its output collected line by line. */
export interface LoggingChild {
  process: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `fixture` with the test environment plus `env`; stdin stays open for `tell()`. */
export function startLoggingChild(fixture: string, env: Record<string, string>): LoggingChild {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // A child that already exited must not make writing to its stdin an unhandled error.
  child.stdin.on('error', () => undefined);
  // 'close' comes after the exit and after the child's output was read to its end.
  const exit = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { process: child, stdout, stderr: () => stderr, exit };
}

/** Writes one line to the child's stdin. */
export function tell(child: LoggingChild, line = 'go'): void {
  child.process.stdin?.write(`${line}\n`);
}

/** Resolves with the first stdout line that `matches`; rejects if the child exits without one. */
export async function waitForLine(child: LoggingChild, matches: (line: string) => boolean): Promise<string> {
  let exited = false;
  void child.exit.then(() => (exited = true));
  for (;;) {
    const line = child.stdout.find(matches);
    if (line !== undefined) return line;
    if (exited) {
      const last = child.stdout.find(matches);
      if (last !== undefined) return last;
      throw new Error(`child exited before printing the expected line; stderr:\n${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls `condition` every 10 ms; rejects after `timeoutMillis`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMillis = 15_000,
): Promise<void> {
  const giveUpAt = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
