#!/usr/bin/env node
/**
 * The `logweave` command (package.json `bin`). Kept free of top-level await and `import.meta`
 * so the same source builds as ESM and CJS.
 */
import { runCli } from './run-cli.ts';

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
}).then((status) => {
  process.exitCode = status;
});
