import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DeliveryListener, SelfReportingExporter } from './delivery-listener.ts';
import type { DiskSpool } from './disk-spool.ts';
import { OtlpHttpSender, type SendOutcome } from './otlp-http-sender.ts';
import { MAX_RETRIES, retryBackoffMillis, sleep } from './retry-schedule.ts';
import { contentTypeOf } from './spool-frame.ts';
import { SpoolReplayer } from './spool-replayer.ts';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

export interface DurableOtlpExporterOptions {
  otlp: ResolvedOptions['otlp'];
  delivery: ResolvedOptions['delivery'];
  /** Receives every outcome (delivered, spooled, dropped by reason). */
  listener: DeliveryListener;
  /** The spool, when `delivery.spoolDir` is set. */
  spool?: DiskSpool;
}

/**
 * OTLP/HTTP export that keeps what it cannot deliver. Requests are built by the official
 * serializers. A retryable failure (429/502/503/504, network error, timeout) is retried: without
 * a spool, here, like the stock exporter does (honouring `Retry-After`, within
 * `otlp.timeoutMillis`); with a spool, by moving the batch to the spool at once and letting
 * the replayer retry it with backoff, so an outage never holds the batch queue. Then:
 * - delivered: counted; a partial success is counted with the receiver's message, never retried;
 * - 413: split in halves until the receiver takes them (a single record too large is rejected);
 * - 400 and other 4xx but 429: counted as `rejected`, not spooled;
 * - still failing: written to the spool, replayed in order later (see `SpoolReplayer`).
 * While the spool holds anything, new batches are appended behind it instead of overtaking it,
 * which also keeps a Collector outage from filling the batch queue with retries.
 */
export class DurableOtlpExporter implements LogRecordExporter, SelfReportingExporter {
  readonly reportsOwnOutcomes = true;
  readonly #sender: OtlpHttpSender;
  readonly #json: boolean;
  readonly #timeoutMillis: number;
  readonly #listener: DeliveryListener;
  readonly #spool: DiskSpool | undefined;
  readonly #replayer: SpoolReplayer | undefined;
  /** Batches handed to `export()` and not settled yet, for `forceFlush` and the exit spool. */
  readonly #inFlight = new Map<Promise<void>, ReadableLogRecord[]>();
  #urgent: { deadline: number; abort: AbortController } | undefined;
  #closed = false;

  constructor(options: DurableOtlpExporterOptions) {
    this.#sender = new OtlpHttpSender(options.otlp);
    this.#json = options.otlp.protocol === 'http/json';
    this.#timeoutMillis = options.otlp.timeoutMillis;
    this.#listener = options.listener;
    this.#spool = options.spool;
    if (this.#spool !== undefined) {
      this.#replayer = new SpoolReplayer({
        spool: this.#spool,
        send: (batch, signal) =>
          this.#sender.send(batch.payload, batch.contentType, this.#timeoutMillis, signal),
        delivered: (batch, body) => this.#accepted(batch.recordCount, body, batch.contentType),
        rejected: (batch, reason) => this.#listener.dropped('rejected', batch.recordCount, reason),
        initialBackoffMillis: options.delivery.replayInitialBackoffMillis,
        maxBackoffMillis: options.delivery.replayMaxBackoffMillis,
      });
      // What an earlier run left behind goes first.
      if (this.#spool.hasPending()) this.#replayer.wake();
    }
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (logs.length === 0) {
      resultCallback(SUCCESS);
      return;
    }
    if (this.#closed) {
      this.#listener.dropped('shutdown', logs.length, 'exported after shutdown');
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const payload = this.#serialize(logs);
    if (payload === undefined) {
      this.#listener.dropped('export_failed', logs.length, 'the OTLP serializer could not encode the batch');
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('could not serialize the batch') });
      return;
    }
    if (this.#spool !== undefined && (this.#spool.hasPending() || this.#pastUrgentDeadline())) {
      resultCallback(
        this.#toSpool(
          payload,
          logs.length,
          'the endpoint has not answered since earlier batches were spooled',
        ),
      );
      return;
    }
    const work = this.#deliver(logs, payload).then(resultCallback, (error: unknown) =>
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error }),
    );
    this.#inFlight.set(work, logs);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Waits for batches being delivered now (each bounded by the export timeout or the urgency deadline). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.#inFlight.keys());
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.#closed = true;
    this.#replayer?.stop();
    this.#spool?.close();
    this.#sender.close();
  }

  /**
   * Until the returned release is called, exports give up `millis` from now: a batch still
   * retrying then is spooled (or counted as `shutdown` without a spool), later ones are spooled
   * at once, and replay pauses. Used for signals, `beforeExit` and `shutdown()`.
   */
  hurry(millis: number): () => void {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), millis);
    timer.unref();
    const urgent = { deadline: Date.now() + millis, abort };
    this.#urgent = urgent;
    this.#replayer?.pause();
    return () => {
      clearTimeout(timer);
      if (this.#urgent !== urgent) return;
      this.#urgent = undefined;
      if (!this.#closed) this.#replayer?.resume();
    };
  }

  /**
   * Synchronously keeps `pending` (records the batch processor still queues) and every batch
   * still being delivered, for a process that is exiting now (`process.exit`). A batch that was
   * in flight may also have reached the receiver: it can then arrive twice.
   */
  keepAtExit(pending: ReadableLogRecord[]): void {
    const batches = [...this.#inFlight.values()];
    this.#inFlight.clear();
    if (pending.length > 0) batches.push(pending);
    for (const logs of batches) {
      const payload = this.#spool === undefined ? undefined : this.#serialize(logs);
      if (payload === undefined || this.#spool?.append(payload, logs.length, this.#json) !== true) {
        this.#listener.dropped(
          'shutdown',
          logs.length,
          'the process exited before they were sent and no spool is set',
        );
      } else {
        this.#listener.spooled(logs.length, 'the process exited before they were sent');
      }
    }
    this.#spool?.close();
  }

  async #deliver(logs: ReadableLogRecord[], payload: Uint8Array): Promise<ExportResult> {
    const outcome = await this.#sendWithRetries(payload);
    switch (outcome.kind) {
      case 'success':
        this.#accepted(logs.length, outcome.body, contentTypeOf(this.#json));
        this.#replayer?.wake();
        return SUCCESS;
      case 'rejected':
        this.#listener.dropped('rejected', logs.length, outcome.reason);
        return { code: ExportResultCode.FAILED, error: new Error(outcome.reason) };
      case 'too_large':
        return this.#split(logs, outcome.reason);
      case 'retryable':
        if (this.#spool !== undefined) {
          return this.#toSpool(payload, logs.length, outcome.reason, outcome.retryAfterMillis);
        }
        this.#listener.dropped(
          this.#pastUrgentDeadline() ? 'shutdown' : 'export_failed',
          logs.length,
          outcome.reason,
        );
        return { code: ExportResultCode.FAILED, error: new Error(outcome.reason) };
    }
  }

  /** A 413: halves are sent one after the other, each split again if still too large. */
  async #split(logs: ReadableLogRecord[], reason: string): Promise<ExportResult> {
    if (logs.length === 1) {
      this.#listener.dropped(
        'rejected',
        1,
        `a single record is larger than the receiver accepts (${reason})`,
      );
      return { code: ExportResultCode.FAILED, error: new Error(reason) };
    }
    const middle = Math.ceil(logs.length / 2);
    let result = SUCCESS;
    for (const half of [logs.slice(0, middle), logs.slice(middle)]) {
      const payload = this.#serialize(half);
      const halfResult =
        payload === undefined ? { code: ExportResultCode.FAILED } : await this.#deliver(half, payload);
      if (halfResult.code !== ExportResultCode.SUCCESS) result = halfResult;
    }
    return result;
  }

  async #sendWithRetries(payload: Uint8Array): Promise<SendOutcome> {
    const contentType = contentTypeOf(this.#json);
    const deadline = Date.now() + this.#timeoutMillis;
    let outcome: SendOutcome = { kind: 'retryable', reason: 'shutdown deadline reached before sending' };
    // With a spool, the replayer does the retrying (with backoff and Retry-After): retrying here
    // would hold the batch processor, whose queue then overflows during an outage.
    const maxRetries = this.#spool === undefined ? MAX_RETRIES : 0;
    for (let retry = 0; retry <= maxRetries; retry++) {
      const urgent = this.#urgent;
      const until = Math.min(deadline, urgent?.deadline ?? Infinity);
      const remaining = until - Date.now();
      if (remaining <= 0) return outcome;
      outcome = await this.#sender.send(payload, contentType, remaining, urgent?.abort.signal);
      if (outcome.kind !== 'retryable' || retry === maxRetries) return outcome;
      const wait = outcome.retryAfterMillis ?? retryBackoffMillis(retry);
      if (Date.now() + wait >= Math.min(deadline, this.#urgent?.deadline ?? Infinity)) return outcome;
      const slept = await sleep(wait, this.#urgent?.abort.signal, true);
      if (!slept) return outcome;
    }
    return outcome;
  }

  /** Counts a delivered request, minus what a partial-success answer says was rejected. */
  #accepted(count: number, body: Uint8Array, contentType: string): void {
    const partial = readPartialSuccess(body, contentType.includes('json'));
    const rejected = Math.min(count, partial?.rejected ?? 0);
    this.#listener.delivered(count - rejected);
    if (partial !== undefined && rejected > 0)
      this.#listener.dropped('partial_success', rejected, partial.message);
  }

  #toSpool(payload: Uint8Array, count: number, reason: string, retryAfterMillis?: number): ExportResult {
    if (this.#spool!.append(payload, count, this.#json)) {
      this.#listener.spooled(count, reason);
      this.#replayer?.start(retryAfterMillis);
      return SUCCESS;
    }
    const detail = `${reason}; the batch could not be written to the spool ${this.#spool!.dir}`;
    this.#listener.dropped('export_failed', count, detail);
    return { code: ExportResultCode.FAILED, error: new Error(detail) };
  }

  #pastUrgentDeadline(): boolean {
    return this.#urgent !== undefined && Date.now() >= this.#urgent.deadline;
  }

  #serialize(logs: ReadableLogRecord[]): Uint8Array | undefined {
    try {
      return (this.#json ? JsonLogsSerializer : ProtobufLogsSerializer).serializeRequest(logs);
    } catch {
      return undefined;
    }
  }
}

/** The receiver's partial-success answer, if any; an empty or unreadable body means full success. */
function readPartialSuccess(
  body: Uint8Array,
  json: boolean,
): { rejected: number; message: string } | undefined {
  if (body.byteLength === 0) return undefined;
  try {
    const response = (json ? JsonLogsSerializer : ProtobufLogsSerializer).deserializeResponse(body);
    const partial = response.partialSuccess;
    if (partial === undefined || partial === null) return undefined;
    const rejected = Number(partial.rejectedLogRecords ?? 0);
    const message = partial.errorMessage ?? '';
    if (rejected <= 0 && message === '') return undefined;
    return { rejected, message: message === '' ? 'no message given' : message };
  } catch {
    return undefined;
  }
}
