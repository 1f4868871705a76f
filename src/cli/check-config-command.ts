import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/config-file.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import { escapeForTerminal } from '../core/terminal-escape.ts';
import { CliUsageError, EXIT_INVALID_INPUT, EXIT_OK } from './cli-usage-error.ts';
import type { CliOutput } from './cli-output.ts';
import { describeSampling, effectiveRules, type EffectiveRule } from './effective-rules.ts';

export const CHECK_CONFIG_HELP = `Usage: logweave check-config FILE [--module NAME...] [--json]

Validates a logweave config file (YAML or JSON, the shape of createLogging() options) the way
createLogging({ config: FILE }) and LOGWEAVE_CONFIG do, and prints the sampling rule in force
for each module given, resolved by the sampling policy itself: per severity, what happens
(kept, sampled, dropped, never created), the keep-probability and the rule name as
logging.stats() counts it. Environment variables and options given in code are not applied
(options in code take precedence over the file).

Options:
  --module NAME   a module (logger name, e.g. payments.stripe) whose effective rules to print;
                  repeat for several
  --json          print {"file", "valid", "modules": {NAME: [{severity, outcome, rule, probability}]}}
  -h, --help      show this help

Exit status: 0 when the file is valid; 1 when it cannot be read or is invalid (the message
names the field path, what was expected and what was found); 2 for a wrong command line.

Example:
  logweave check-config examples/logweave.yaml --module payments.processor --module healthcheck`;

/** `logweave check-config`: returns the exit status. */
export async function runCheckConfig(
  argv: readonly string[],
  io: { stdout: CliOutput; stderr: CliOutput },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        module: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (parsed.values.help === true) {
    await io.stdout.line(CHECK_CONFIG_HELP);
    return EXIT_OK;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new CliUsageError('no FILE given');
  if (extra.length > 0) throw new CliUsageError(`one FILE at a time, received also ${extra.join(' ')}`);
  const modules = parsed.values.module ?? [];
  if (modules.some((module) => module === '')) throw new CliUsageError('--module expects a non-empty name');

  let config;
  try {
    config = loadConfigFile(file);
  } catch (error) {
    if (!(error instanceof LogweaveConfigError)) throw error;
    if (parsed.values.json === true) {
      const { path, expected, received } = error;
      await io.stdout.line(JSON.stringify({ file, valid: false, error: { path, expected, received } }));
    }
    await io.stderr.line(escapeForTerminal(`logweave check-config: ${file} is invalid`));
    await io.stderr.line(escapeForTerminal(`  at:       ${error.path}`));
    await io.stderr.line(escapeForTerminal(`  expected: ${error.expected}`));
    await io.stderr.line(escapeForTerminal(`  received: ${error.received}`));
    return EXIT_INVALID_INPUT;
  }

  const rulesByModule = modules.map((module) => [module, effectiveRules(config, module)] as const);
  if (parsed.values.json === true) {
    await io.stdout.line(JSON.stringify({ file, valid: true, modules: Object.fromEntries(rulesByModule) }));
    return EXIT_OK;
  }
  await io.stdout.line(escapeForTerminal(`${file}: valid`));
  const sections = Object.keys(config);
  await io.stdout.line(
    `  sections: ${sections.length === 0 ? '(none: every default applies)' : sections.join(', ')}`,
  );
  for (const line of describeSampling(config)) await io.stdout.line(escapeForTerminal(`  ${line}`));
  const buffered = config.sampling?.errorBuffer !== undefined;
  for (const [module, rules] of rulesByModule) {
    await io.stdout.line('');
    await io.stdout.line(escapeForTerminal(`module ${module}`));
    for (const rule of rules) await io.stdout.line(formatRule(rule, buffered));
  }
  if (buffered && rulesByModule.some(([, rules]) => rules.some((rule) => isBufferable(rule)))) {
    await io.stdout.line('');
    await io.stdout.line('* inside a request, held by the error buffer and kept if the request fails');
  }
  return EXIT_OK;
}

const OUTCOME_TEXT: Readonly<Record<EffectiveRule['outcome'], string>> = {
  below_level: 'never created',
  keep: 'kept',
  drop: 'dropped',
  probability: 'sampled',
};

function isBufferable(rule: EffectiveRule): boolean {
  return rule.outcome === 'drop' || rule.outcome === 'probability';
}

function formatRule(rule: EffectiveRule, buffered: boolean): string {
  const probability = rule.outcome === 'below_level' ? '' : `p=${rule.probability}`;
  const outcome = `${OUTCOME_TEXT[rule.outcome]}${buffered && isBufferable(rule) ? '*' : ''}`;
  const line = [
    rule.severity.toUpperCase().padEnd(5),
    outcome.padEnd(13),
    probability.padEnd(6),
    `rule ${rule.rule}`,
  ];
  return escapeForTerminal(`  ${line.join('  ')}`);
}
