import { parseArgs } from 'node:util';
import { SEVERITY_NAMES, type SeverityName } from '../core/severity.ts';
import { MODULE_PATTERN_SYNTAX } from '../sampling/module-pattern.ts';
import { CliUsageError } from './cli-usage-error.ts';
import type { ViewFilterOptions } from './view-filter.ts';

/** Default of `--max-records`: matching records held for sorting (about 1.5 KiB each in memory, so ~300 MB). */
export const DEFAULT_MAX_RECORDS = 200_000;
/** Default of `--max-line-bytes`; logweave's file sink writes one batch (≤ 512 records by default) per line. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
export const VIEW_HELP = `Usage: logweave view [options] FILE...

Reads OTLP JSON lines (logweave's file sink, or the OpenTelemetry Collector's file exporter:
one ExportLogsServiceRequest per line) as a stream and prints the records as one timeline per
trace: traces in order of their first record, records in time order. Use - to read stdin;
files ending in .gz or .zst are decompressed as they are read.

Filters (repeat an option to match any of its values; different options must all match):
  --trace ID           records of this trace (32 hex characters)
  --request-id ID      records whose request.id attribute is ID
  --service NAME       records whose resource service.name is NAME
  --module PATTERN     records of the module or below it, as sampling rules match them:
                       payments matches payments.stripe; a * segment matches any one
                       segment (auth.*, *.webhooks)
  --severity LEVEL     records at LEVEL or above: ${SEVERITY_NAMES.join(', ')}

Output:
  --json               one JSON object per record and line instead of text (same order)
  --html               one self-contained HTML page instead of text: each trace as lanes of
                       services on a time axis, records as marks (click for attributes and why
                       each was kept), failed traces first; opens offline
  --stacks             print exception.stacktrace under its record (text output)
  --max-records N      stop with an error when more than N records match (default ${DEFAULT_MAX_RECORDS});
                       records are held to sort them, so narrow with filters on large files
  --max-line-bytes N   skip (and report) lines longer than N bytes (default ${DEFAULT_MAX_LINE_BYTES})
  -h, --help           show this help

Exit status: 0 when every line was read; 1 when a file could not be read, a line was not
OTLP JSON or a record in it was unreadable (a bad id, time or severity: reported on stderr
with FILE:LINE and its path in the request; everything else is still shown) or --max-records
was exceeded; 2 for a wrong command line. Lines of other signals (traces, metrics) in a
shared Collector file are skipped and counted.

Examples:
  logweave view logweave-logs.jsonl --severity warn
  logweave view collector/logs.json --trace 4bf92f3577b34da6a3ce929d0e0e4736
  logweave view a.jsonl b.jsonl --service orders --module payments --json | jq .body
  logweave view logweave-logs.jsonl --severity error --html > failed.html`;

/** The parsed command line of `logweave view`. */
export interface ViewArguments {
  files: string[];
  filter: ViewFilterOptions;
  json: boolean;
  html: boolean;
  stacks: boolean;
  maxRecords: number;
  maxLineBytes: number;
}

/** Parses and checks the arguments; `'help'` for `--help`. Throws `CliUsageError` for mistakes. */
export function parseViewArguments(argv: readonly string[]): ViewArguments | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        trace: { type: 'string', multiple: true },
        'request-id': { type: 'string', multiple: true },
        service: { type: 'string', multiple: true },
        module: { type: 'string', multiple: true },
        severity: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'boolean' },
        stacks: { type: 'boolean' },
        'max-records': { type: 'string' },
        'max-line-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (values.json === true && values.html === true)
    throw new CliUsageError('--json and --html exclude each other');
  if (positionals.length === 0) throw new CliUsageError('no FILE given (use - to read stdin)');
  if (positionals.filter((file) => file === '-').length > 1)
    throw new CliUsageError('stdin (-) can be read only once');

  const traces = values.trace ?? [];
  for (const trace of traces) {
    if (!/^[0-9a-f]{32}$/i.test(trace)) {
      throw new CliUsageError(
        `--trace expects a trace id of 32 hex characters, received ${JSON.stringify(trace)}`,
      );
    }
  }
  const severity = values.severity?.toLowerCase();
  if (severity !== undefined && !(SEVERITY_NAMES as readonly string[]).includes(severity)) {
    throw new CliUsageError(
      `--severity expects one of ${SEVERITY_NAMES.join(', ')}, received ${JSON.stringify(values.severity)}`,
    );
  }
  for (const [option, list] of [
    ['--request-id', values['request-id']],
    ['--service', values.service],
  ] as const) {
    if (list?.some((value) => value === '')) throw new CliUsageError(`${option} expects a non-empty value`);
  }
  for (const module of values.module ?? []) {
    if (!MODULE_PATTERN_SYNTAX.test(module)) {
      throw new CliUsageError(
        `--module expects a dotted module name whose segments are names or "*" (payments, auth.*, *.webhooks), ` +
          `received ${JSON.stringify(module)}`,
      );
    }
  }
  return {
    files: positionals,
    filter: {
      traces,
      requestIds: values['request-id'] ?? [],
      services: values.service ?? [],
      modules: values.module ?? [],
      minSeverity: severity as SeverityName | undefined,
    },
    json: values.json === true,
    html: values.html === true,
    stacks: values.stacks === true,
    maxRecords: positiveInteger('--max-records', values['max-records'], DEFAULT_MAX_RECORDS),
    maxLineBytes: positiveInteger('--max-line-bytes', values['max-line-bytes'], DEFAULT_MAX_LINE_BYTES),
  };
}

function positiveInteger(option: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new CliUsageError(`${option} expects a positive integer, received ${JSON.stringify(raw)}`);
  }
  return value;
}
