import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { escapeForTerminal } from '../core/terminal-escape.ts';

/** ANSI colour per severity text, used only when writing to a terminal. */
const SEVERITY_COLOURS: Record<string, string> = {
  TRACE: '\u001b[90m',
  DEBUG: '\u001b[36m',
  INFO: '\u001b[32m',
  WARN: '\u001b[33m',
  ERROR: '\u001b[31m',
  FATAL: '\u001b[35;1m',
};
const RESET = '\u001b[0m';

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One readable line per record for development: time, severity, service, module, request id,
 * trace id, message, attributes. Coloured only when stdout is a terminal (or `colour: true`).
 */
export class ConsoleLineExporter implements LogRecordExporter {
  readonly #write: (line: string) => void;
  readonly #colour: boolean;

  constructor(options: { write?: (line: string) => void; colour?: boolean } = {}) {
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.#colour = options.colour ?? (options.write === undefined && process.stdout.isTTY === true);
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    try {
      for (const record of logs) this.#write(formatConsoleLine(record, this.#colour));
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The console line for one record; every field is escaped before any colour is added. */
export function formatConsoleLine(record: ReadableLogRecord, colour = false): string {
  const time = new Date(hrTimeToMilliseconds(record.hrTime)).toISOString();
  const severityText = escapeForTerminal(record.severityText ?? String(record.severityNumber ?? ''));
  const colourCode = colour ? SEVERITY_COLOURS[severityText] : undefined;
  const severity =
    colourCode === undefined ? severityText.padEnd(5) : `${colourCode}${severityText.padEnd(5)}${RESET}`;
  const service = render(record.resource.attributes['service.name'] ?? '-');
  const { ['request.id']: requestId, ...rest } = record.attributes;
  const parts = [
    time,
    service,
    record.instrumentationScope.name,
    `req=${render(requestId ?? '-')}`,
    `trace=${record.spanContext?.traceId ?? '-'}`,
    render(record.body ?? ''),
  ];
  if (Object.keys(rest).length > 0) parts.push(render(rest));
  const [first, ...others] = parts.map(escapeForTerminal);
  return [first, severity, ...others].join(' ');
}
