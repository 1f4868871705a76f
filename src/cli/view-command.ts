import type { Readable } from 'node:stream';
import { escapeForTerminal } from '../core/terminal-escape.ts';
import { EXIT_INVALID_INPUT, EXIT_OK } from './cli-usage-error.ts';
import type { CliOutput } from './cli-output.ts';
import { flattenOtlpRequest, NotOtlpLogsError } from './flatten-otlp-request.ts';
import { formatRecordJson, formatTraceText } from './format-timeline.ts';
import { renderHtmlPage } from './html-page.ts';
import { pageTraces } from './html-page-data.ts';
import { openInput } from './open-input.ts';
import { parseJsonLine } from './parse-json-line.ts';
import { readLines } from './read-lines.ts';
import { TraceTimeline } from './trace-timeline.ts';
import { parseViewArguments, VIEW_HELP } from './view-arguments.ts';
import { compileViewFilter } from './view-filter.ts';

/** Invalid lines and skipped records reported one by one before the rest are only counted. */
const MAX_PROBLEM_WARNINGS = 10;

/** `logweave view`: returns the exit status. */
export async function runView(
  argv: readonly string[],
  io: { stdout: CliOutput; stderr: CliOutput; stdin: Readable },
): Promise<number> {
  const args = parseViewArguments(argv);
  if (args === 'help') {
    await io.stdout.line(VIEW_HELP);
    return EXIT_OK;
  }
  const matches = compileViewFilter(args.filter);
  const timeline = new TraceTimeline();
  let failed = false;
  let problemCount = 0;
  let otherSignalLines = 0;
  let linesRead = 0;

  // Escaped: a message may quote a file name or a value read from the input.
  const warn = async (message: string): Promise<void> =>
    io.stderr.line(escapeForTerminal(`logweave view: ${message}`));

  for (const file of args.files) {
    const input = openInput(file, io.stdin);
    const { name, stream } = input;
    try {
      for await (const line of readLines(stream, args.maxLineBytes)) {
        if (line.tooLongBytes === undefined && line.text.trim() === '') continue;
        linesRead += 1;
        const problems: string[] = [];
        if (line.tooLongBytes !== undefined) {
          problems.push(
            `line of ${line.tooLongBytes} bytes is longer than the ${args.maxLineBytes}-byte limit (--max-line-bytes); skipped`,
          );
        } else {
          try {
            const request = flattenOtlpRequest(parseJsonLine(line.text), `${name}:${line.number}`);
            for (const record of request.records) if (matches(record)) timeline.add(record);
            problems.push(...request.problems);
          } catch (error) {
            if (error instanceof NotOtlpLogsError && error.otherSignal) otherSignalLines += 1;
            else problems.push(`not an OTLP JSON logs request (${(error as Error).message})`);
          }
        }
        for (const problem of problems) {
          problemCount += 1;
          if (problemCount <= MAX_PROBLEM_WARNINGS) await warn(`${name}:${line.number}: ${problem}`);
        }
        if (timeline.size > args.maxRecords) {
          await warn(
            `more than ${args.maxRecords} records match (at ${name}:${line.number}); narrow the selection ` +
              `with --trace, --request-id, --service, --module or --severity, or raise --max-records`,
          );
          return EXIT_INVALID_INPUT;
        }
      }
    } catch (error) {
      failed = true;
      await warn(`cannot read ${name}: ${(error as Error).message}`);
    } finally {
      input.close();
    }
  }

  const groups = timeline.groups();
  if (args.html) {
    await io.stdout.line(renderHtmlPage(pageTraces(groups), `logweave view: ${args.files.join(', ')}`));
  }
  for (const group of args.html ? [] : groups) {
    if (io.stdout.closed) break;
    if (args.json) {
      for (const record of group.records) await io.stdout.line(formatRecordJson(record));
    } else {
      for (const text of formatTraceText(group, { stacks: args.stacks })) await io.stdout.line(text);
      await io.stdout.line('');
    }
  }
  if (problemCount > MAX_PROBLEM_WARNINGS) {
    await warn(`${problemCount - MAX_PROBLEM_WARNINGS} more problems not shown (${problemCount} in all)`);
  }
  if (otherSignalLines > 0)
    await warn(`skipped ${otherSignalLines} lines of other signals (traces, metrics)`);
  if (!args.json && !args.html) {
    const traces = groups.filter((group) => group.traceId !== '').length;
    const untraced = groups.find((group) => group.traceId === '')?.records.length ?? 0;
    const summary =
      `${plural(timeline.size, 'record')} in ${plural(traces, 'trace')}` +
      `${untraced > 0 ? ` (${untraced} without a trace)` : ''}, from ${plural(linesRead, 'line')}`;
    await io.stdout.line(
      timeline.size === 0 ? `no records matched (${plural(linesRead, 'line')} read)` : summary,
    );
  }
  return failed || problemCount > 0 ? EXIT_INVALID_INPUT : EXIT_OK;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
