import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { serializeOtlpJsonLine } from './otlp-json-line.ts';

/**
 * Writes each batch as one OTLP JSON line (see `serializeOtlpJsonLine`) appended to `path`.
 * Each line is a single append write, so concurrent writers on one host do not interleave.
 */
export class OtlpJsonFileExporter implements LogRecordExporter {
  readonly #path: string;

  constructor(options: { path: string }) {
    this.#path = options.path;
    mkdirSync(dirname(this.#path), { recursive: true });
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    try {
      const line = serializeOtlpJsonLine(logs);
      if (line !== '') appendFileSync(this.#path, `${line}\n`);
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
