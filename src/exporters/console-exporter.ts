import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';

/* CR, LF, U+2028/2029 and every C0/C1 control (ANSI escapes start with ESC) are escaped so a
 * message cannot forge a second line or recolour the terminal. Bidi controls and zero-width
 * characters are escaped too, so a message cannot reorder or hide what a reader sees. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

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

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

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
