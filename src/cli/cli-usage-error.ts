/** A mistake in the command line itself; the CLI prints it with a pointer to `--help` and exits with 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Exit codes, as documented in `logweave --help`. */
export const EXIT_OK = 0;
/** The input (a file, a line, a config) could not be read or is invalid. */
export const EXIT_INVALID_INPUT = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
