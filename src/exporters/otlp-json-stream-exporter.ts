import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DeliveryListener } from './delivery-listener.ts';

/** Default bound on bytes waiting for a slow stream (`maxBacklogBytes`). */
export const DEFAULT_STREAM_BACKLOG_BYTES = 8 * 1024 * 1024;
/** Bytes written in one turn of the event loop before yielding, however fast the stream takes them. */
const BYTES_PER_TURN = 1024 * 1024;
const NEWLINE = 0x0a;

/** The writable side this exporter needs (`process.stdout`, a file or socket stream). */
export interface LineStream {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface OtlpJsonStreamExporterOptions {
  /** Where lines go. Default: `process.stdout`. */
  stream?: LineStream;
  /** Most bytes held while the stream is slow; records past it are dropped (`stream_full`). Default: 8388608 (8 MiB). */
  maxBacklogBytes?: number;
  /** @internal Counts written (delivered) and dropped records; `createLogging()` passes its report. */
  listener?: DeliveryListener;
}

/**
 * OTLP JSON to a stream, one log record per line: each line is a whole `ExportLogsServiceRequest`
 * with one resource, one scope and one record (the resource and scope repeated on every line), as
 * the Collector's `otlpjson` connector and `otlpjsonfile` receiver read them, and as the OTel
 * `otlp_file` exporter with `output_stream: stdout` writes them. A container runtime splits stdout
 * at about 16 KiB per line (Docker, CRI); one record per line keeps each line a record that fits.
 *
 * Writes respect the stream's backpressure: while it does not take more, lines wait in a backlog
 * bounded by `maxBacklogBytes`; past it new records are dropped and counted (`stream_full`).
 * `export()` calls back at once (a slow reader never holds the batch queue), and at most 1 MiB is
 * written per turn of the event loop. Lines come from the official `JsonLogsSerializer`.
 */
export class OtlpJsonStreamExporter implements LogRecordExporter {
  readonly reportsOwnOutcomes: boolean;
  readonly #stream: LineStream;
  readonly #maxBacklogBytes: number;
  readonly #listener: DeliveryListener | undefined;
  /** Lines not handed to the stream yet, oldest first, with their record count (always 1). */
  readonly #backlog: Uint8Array[] = [];
  #backlogBytes = 0;
  #waitingForDrain = false;
  #scheduled = false;
  #idle: Array<() => void> = [];

  constructor(options: OtlpJsonStreamExporterOptions = {}) {
    this.#stream = options.stream ?? process.stdout;
    this.#maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_STREAM_BACKLOG_BYTES;
    this.#listener = options.listener;
    this.reportsOwnOutcomes = options.listener !== undefined;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    let dropped = 0;
    let failed = 0;
    for (const record of logs) {
      const line = serializeLine(record);
      if (line === undefined) failed++;
      else if (this.#backlogBytes + line.byteLength > this.#maxBacklogBytes) dropped++;
      else {
        this.#backlog.push(line);
        this.#backlogBytes += line.byteLength;
      }
    }
    if (failed > 0)
      this.#listener?.dropped('export_failed', failed, 'the OTLP JSON serializer could not encode them');
    if (dropped > 0) {
      this.#listener?.dropped(
        'stream_full',
        dropped,
        `the stream did not take lines fast enough and ${this.#backlogBytes} bytes were already waiting ` +
          `(maxBacklogBytes ${this.#maxBacklogBytes}); is the container runtime reading stdout?`,
      );
    }
    this.#pump();
    resultCallback(
      failed + dropped === logs.length && logs.length > 0
        ? { code: ExportResultCode.FAILED, error: new Error('no record of the batch was written') }
        : { code: ExportResultCode.SUCCESS },
    );
  }

  /** Resolves once every line was handed to the stream. */
  forceFlush(): Promise<void> {
    if (this.#backlog.length === 0 && !this.#waitingForDrain) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  /** Hands every waiting line to the stream now, backpressure or not (the process is exiting). */
  writeBacklogNow(): void {
    while (this.#backlog.length > 0) this.#writeOne();
    this.#settleIdle();
  }

  #pump(): void {
    if (this.#waitingForDrain || this.#scheduled) return;
    let written = 0;
    while (this.#backlog.length > 0 && written < BYTES_PER_TURN) {
      written += this.#backlog[0]!.byteLength;
      if (!this.#writeOne()) {
        this.#waitingForDrain = true;
        this.#stream.once('drain', () => {
          this.#waitingForDrain = false;
          this.#pump();
        });
        return;
      }
    }
    if (this.#backlog.length > 0) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#pump();
      });
      return;
    }
    this.#settleIdle();
  }

  /** @returns false when the stream asks to wait for 'drain'. */
  #writeOne(): boolean {
    const line = this.#backlog.shift()!;
    this.#backlogBytes -= line.byteLength;
    let more: boolean;
    try {
      more = this.#stream.write(line);
    } catch (error) {
      this.#listener?.dropped('export_failed', 1, `the stream refused a line: ${(error as Error).message}`);
      return true;
    }
    this.#listener?.delivered(1);
    return more;
  }

  #settleIdle(): void {
    if (this.#backlog.length > 0 || this.#waitingForDrain) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}

/** One record as a one-record OTLP JSON request, newline-terminated (JSON text holds no raw newline). */
function serializeLine(record: ReadableLogRecord): Uint8Array | undefined {
  let json: Uint8Array | undefined;
  try {
    json = JsonLogsSerializer.serializeRequest([record]);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  const line = new Uint8Array(json.byteLength + 1);
  line.set(json, 0);
  line[json.byteLength] = NEWLINE;
  return line;
}
