import type { Readable, Writable } from 'node:stream';
import { runCheckConfig } from './check-config-command.ts';
import { escapeForTerminal } from '../core/terminal-escape.ts';
import { CliOutput } from './cli-output.ts';
import { CliUsageError, EXIT_OK, EXIT_USAGE } from './cli-usage-error.ts';
import { runView } from './view-command.ts';

export const MAIN_HELP = `Usage: logweave <command> [options]

Commands:
  view FILE...                      print OTLP JSON log lines as per-trace timelines
  check-config FILE [--module NAME...]
                                    validate a logweave config file and show the
                                    sampling rule in force for each module

Run 'logweave <command> --help' (or 'logweave help <command>') for a command's options.

Exit status: 0 success, 1 invalid or unreadable input, 2 wrong command line.`;

const COMMANDS = { view: runView, 'check-config': runCheckConfig } as const;

/** Runs the `logweave` command line and resolves with its exit status; never rejects. */
export async function runCli(
  argv: readonly string[],
  streams: { stdout: Writable; stderr: Writable; stdin: Readable },
): Promise<number> {
  const io = {
    stdout: new CliOutput(streams.stdout),
    stderr: new CliOutput(streams.stderr),
    stdin: streams.stdin,
  };
  // `logweave help view` is `logweave view --help`.
  const [command, ...rest] = argv[0] === 'help' && argv[1] !== undefined ? [argv[1], '--help'] : argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    await (command === undefined ? io.stderr : io.stdout).line(MAIN_HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command as keyof typeof COMMANDS] : undefined;
  if (run === undefined) {
    await io.stderr.line(
      `logweave: unknown command ${JSON.stringify(command)}; run 'logweave --help' for the commands`,
    );
    return EXIT_USAGE;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      // Escaped: the message may quote what was typed (parseArgs names unknown options as given).
      await io.stderr.line(escapeForTerminal(`logweave ${command}: ${error.message}`));
      await io.stderr.line(`Run 'logweave ${command} --help' for usage.`);
      return EXIT_USAGE;
    }
    await io.stderr.line(
      `logweave ${command}: unexpected failure: ${(error as Error).stack ?? String(error)}`,
    );
    return 70; // EX_SOFTWARE: a bug in logweave, not in the input.
  }
}
