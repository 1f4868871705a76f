import { runCommand } from './run-command.ts';

/** Thrown when a tool the e2e suite needs is missing; the message says what to install. */
export class MissingToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingToolError';
  }
}

/**
 * Checks that `command --version`-style probing works and returns its output. A missing tool
 * fails the suite with install instructions: the e2e suite never skips silently.
 */
export async function requireTool(
  command: string,
  versionArgs: readonly string[],
  installHint: string,
): Promise<string> {
  try {
    const result = await runCommand(command, versionArgs, { timeoutMillis: 30_000 });
    if (result.code === 0) return (result.stdout + result.stderr).trim();
    throw new Error(`exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MissingToolError(
      `the e2e suite needs \`${command}\` but \`${command} ${versionArgs.join(' ')}\` failed (${reason}). ${installHint}`,
    );
  }
}

/** Go: the Collector is built from source with the official builder. */
export function requireGo(): Promise<string> {
  return requireTool(
    'go',
    ['version'],
    'Install Go 1.24 or newer (https://go.dev/dl/, or `apt-get install golang-go` where recent enough) and put `go` ' +
      'on PATH. The Go module proxy (proxy.golang.org) must be reachable.',
  );
}

/** Python 3 with the venv module: the payments service uses the OpenTelemetry Python SDK. */
export function requirePython(): Promise<string> {
  return requireTool(
    'python3',
    ['-c', 'import sys, venv, ensurepip; print(sys.version)'],
    'Install Python 3.9 or newer with the venv and ensurepip modules (`apt-get install python3 python3-venv`) and put ' +
      '`python3` on PATH. PyPI must be reachable.',
  );
}
