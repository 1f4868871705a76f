import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';

/* CR, LF, U+2028/2029 and every C0/C1 control (ANSI escapes start with ESC) are escaped so a
 * message cannot forge a second line or recolour the terminal. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

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
 * trace id, message, attributes.
 */
export class ConsoleLineExporter implements LogRecordExporter {
  readonly #write: (line: string) => void;

  constructor(options: { write?: (line: string) => void } = {}) {
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    try {
      for (const record of logs) this.#write(formatConsoleLine(record));
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

export function formatConsoleLine(record: ReadableLogRecord): string {
  const time = new Date(hrTimeToMilliseconds(record.hrTime)).toISOString();
  const severity = (record.severityText ?? String(record.severityNumber ?? '')).padEnd(5);
  const service = render(record.resource.attributes['service.name'] ?? '-');
  const { ['request.id']: requestId, ...rest } = record.attributes;
  const parts = [
    time,
    severity,
    service,
    record.instrumentationScope.name,
    `req=${render(requestId ?? '-')}`,
    `trace=${record.spanContext?.traceId ?? '-'}`,
    render(record.body ?? ''),
  ];
  if (Object.keys(rest).length > 0) parts.push(render(rest));
  return escapeForTerminal(parts.join(' '));
}
