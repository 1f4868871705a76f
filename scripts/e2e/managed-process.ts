import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * Every child the e2e suite starts is registered here so that it is killed at the end whatever
 * happens: `killAll()` from the tests' `after`, and a synchronous SIGKILL on process exit as the
 * last resort (a crashed test runner must not leave a Collector listening).
 */
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// Interrupted (Ctrl-C, the test runner's timeout, CI cancelling): kill the children, then die of
// the same signal (the handler is gone after once, so the re-raised signal takes the default path).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.kill(process.pid, signal);
  });
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote, for error messages (also written to `logFile`). */
  output(): string;
  /** Sends `signal` and waits for the exit, escalating to SIGKILL after `graceMillis`. */
  stop(signal?: NodeJS.Signals, graceMillis?: number): Promise<void>;
}

/** Starts a child with its stdout and stderr appended to `logFile`. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      output += `\n[failed to start ${command}: ${error.message}]\n`;
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      log.end();
      resolve({ code, signal });
    });
  });
  return {
    child,
    name,
    exited,
    output: () => output,
    async stop(signal = 'SIGTERM', graceMillis = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills every child still running (SIGKILL) and waits for them to go. */
export async function killAll(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('close', () => resolve());
        }),
    ),
  );
}
