import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { FileSinkOptions } from '../config/logging-options.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { rotateIfFull } from './file-rotation.ts';
import { serializeOtlpJsonLine } from './otlp-json-line.ts';

/**
 * Writes each batch as one OTLP JSON line (see `serializeOtlpJsonLine`), the format of the
 * Collector's file exporter, appended to `path`. When the file would grow past `maxBytes` it is
 * rotated (`path.1` newest … `path.maxFiles` oldest). Several processes may write to the same
 * path (cluster workers): every line is one O_APPEND write, so lines never interleave or tear,
 * and rotation is coordinated through a lock file (see `rotateIfFull`). No write waits for
 * another process: while one rotates, the others append to the full file, so under contention
 * a file can end up past `maxBytes` by the lines the other writers wrote during one rotation.
 */
export class OtlpJsonFileExporter implements LogRecordExporter {
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;

  constructor(options: FileSinkOptions & { path: string }) {
    this.#path = options.path;
    this.#maxBytes = options.maxBytes ?? DEFAULTS.file.maxBytes;
    this.#maxFiles = options.maxFiles ?? DEFAULTS.file.maxFiles;
    mkdirSync(dirname(this.#path), { recursive: true });
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    try {
      const line = serializeOtlpJsonLine(logs);
      if (line !== '') this.#append(Buffer.from(`${line}\n`, 'utf8'));
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  #append(line: Buffer): void {
    let fd = openSync(this.#path, 'a');
    try {
      const size = fstatSync(fd).size;
      // A line longer than maxBytes still goes out whole, in a file of its own.
      if (size > 0 && size + line.length > this.#maxBytes) {
        closeSync(fd);
        fd = -1;
        rotateIfFull(this.#path, Math.max(1, this.#maxBytes - line.length + 1), this.#maxFiles);
        // Rotated by us or by another process: a fresh file. Another process still rotating
        // (see `rotateIfFull`): the full file, one line past maxBytes.
        fd = openSync(this.#path, 'a');
      }
      // One write() per line: with O_APPEND the kernel places it whole at the end of the file.
      const written = writeSync(fd, line);
      if (written !== line.length) throw new Error(`short write to ${this.#path} (disk full?)`);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
