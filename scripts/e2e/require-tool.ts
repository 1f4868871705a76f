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

/** The Collector 0.159 modules declare `go 1.25.0`. */
const MINIMUM_GO = [1, 25] as const;
const GO_INSTALL_HINT =
  `Install Go ${MINIMUM_GO.join('.')} or newer (https://go.dev/dl/; distribution packages are often older) and put ` +
  '`go` on PATH. The Go module proxy (proxy.golang.org, or GOPROXY) must be reachable for the first build.';

/** Go: the Collector is built from source with the official builder. */
export async function requireGo(): Promise<string> {
  const version = await requireTool('go', ['version'], GO_INSTALL_HINT);
  const match = /go(\d+)\.(\d+)/.exec(version);
  const major = Number(match?.[1] ?? 0);
  const minor = Number(match?.[2] ?? 0);
  if (major < MINIMUM_GO[0] || (major === MINIMUM_GO[0] && minor < MINIMUM_GO[1])) {
    throw new MissingToolError(
      `the e2e suite needs Go ${MINIMUM_GO.join('.')} or newer, found "${version}". ${GO_INSTALL_HINT}`,
    );
  }
  return version;
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
