import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DeliveryListener, SelfReportingExporter } from './delivery-listener.ts';
import type { DiskSpool, SpoolEntry } from './disk-spool.ts';
import type { DurableJournal } from './durable-journal.ts';
import { MAX_TIMER_MILLIS, OtlpHttpSender, type SendOutcome } from './otlp-http-sender.ts';
import type { OtlpSender } from './otlp-sender.ts';
import { MAX_RETRIES, retryBackoffMillis, sleep } from './retry-schedule.ts';
import { readPartialSuccess } from './partial-success.ts';
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
  /** The transport (`createOtlpSender`: HTTP or gRPC). Default: OTLP/HTTP to `otlp.url`. */
  sender?: OtlpSender;
  /** The write-ahead copy of `delivery.durableSeverity` records, settled here with their batch. */
  journal?: DurableJournal;
}

/** One batch handed to `export()`, from the call until its requests ended. */
interface Delivery {
  readonly logs: ReadableLogRecord[];
  readonly payload: Uint8Array;
  /** Aborts its request and retry waits: at the urgency deadline, at exit, at shutdown. */
  readonly abort: AbortController;
  /** Calls the batch processor back, once. */
  readonly answer: (result: ExportResult) => void;
  readonly answered: Promise<void>;
  isAnswered: boolean;
  /** The spooled copy written at the export deadline while the request goes on. */
  held: SpoolEntry | undefined;
  /** Taken over by `keepAtExit`: what its request does afterwards is not counted again. */
  abandoned: boolean;
  /** Resolves when its requests ended. */
  done: Promise<void>;
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
 *
 * A Collector that accepts and never answers must not hold the queue either: with a spool, a
 * request still unanswered after `delivery.exportDeadlineMillis` has its batch spooled and the
 * queue called back, while the request goes on. Replay waits for such a request: if it is
 * answered, the spooled copy is settled (not sent twice); if it fails, the copy is replayed.
 */
export class DurableOtlpExporter implements LogRecordExporter, SelfReportingExporter {
  readonly reportsOwnOutcomes = true;
  readonly #sender: OtlpSender;
  readonly #json: boolean;
  readonly #timeoutMillis: number;
  readonly #exportDeadlineMillis: number;
  readonly #listener: DeliveryListener;
  readonly #spool: DiskSpool | undefined;
  readonly #journal: DurableJournal | undefined;
  readonly #replayer: SpoolReplayer | undefined;
  /** Batches handed to `export()` whose requests have not ended yet. */
  readonly #deliveries = new Set<Delivery>();
  /** Records `keepAtExit` spooled or counted: a later `export()` of them changes nothing. */
  readonly #keptAtExit = new WeakSet<ReadableLogRecord>();
  #urgent: { deadline: number; abort: AbortController } | undefined;
  #closed = false;
  #exiting = false;

  constructor(options: DurableOtlpExporterOptions) {
    this.#sender = options.sender ?? new OtlpHttpSender(options.otlp);
    this.#json = options.otlp.protocol === 'http/json';
    // 0 is "no limit" in the OTel spec: the longest timer instead of special cases in the retry math.
    this.#timeoutMillis = options.otlp.timeoutMillis === 0 ? MAX_TIMER_MILLIS : options.otlp.timeoutMillis;
    this.#exportDeadlineMillis = options.delivery.exportDeadlineMillis;
    this.#listener = options.listener;
    this.#spool = options.spool;
    this.#journal = options.journal;
    if (this.#spool !== undefined) {
      this.#replayer = new SpoolReplayer({
        spool: this.#spool,
        send: (batch, signal) =>
          this.#sender.send(batch.payload, batch.contentType, this.#timeoutMillis, signal),
        delivered: (batch, body) => {
          this.#accepted(batch.recordCount, body, batch.contentType);
          this.#listener.unspooled(batch.recordCount);
        },
        rejected: (batch, reason) => {
          this.#listener.dropped('rejected', batch.recordCount, reason);
          this.#listener.unspooled(batch.recordCount);
        },
        liveRequestsSettled: () => this.#heldRequestsEnded(),
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
    if (this.#exiting) {
      // The batch processor goes on with what `keepAtExit` already kept; anything else is kept now.
      const fresh = logs.filter((record) => !this.#keptAtExit.has(record));
      if (fresh.length > 0) this.#keep(fresh, 'they were handed over while the process was exiting');
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('the process is exiting') });
      return;
    }
    if (this.#closed) {
      this.#listener.dropped('shutdown', logs.length, 'exported after shutdown');
      this.#journal?.settle(logs);
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const payload = this.#serialize(logs);
    if (payload === undefined) {
      this.#listener.dropped('export_failed', logs.length, 'the OTLP serializer could not encode the batch');
      this.#journal?.settle(logs);
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('could not serialize the batch') });
      return;
    }
    if (this.#spool !== undefined && (this.#spool.hasPending() || this.#pastUrgentDeadline())) {
      const result = this.#toSpool(
        payload,
        logs.length,
        'the endpoint has not answered since earlier batches were spooled',
      );
      this.#journal?.settle(logs);
      resultCallback(result);
      return;
    }
    this.#start(logs, payload, resultCallback);
  }

  /**
   * Waits until every batch handed to `export()` was answered: delivered, spooled (including at
   * the export deadline, the request going on) or dropped. Each is bounded by the export timeout
   * or the urgency deadline. While `hurry()` is in force (the process is about to end) it also
   * waits for requests still running for spooled batches, until that deadline: an answer then
   * saves the next start from sending the batch again.
   */
  async forceFlush(): Promise<void> {
    const urgent = this.#urgent !== undefined;
    await Promise.all([...this.#deliveries].map((delivery) => (urgent ? delivery.done : delivery.answered)));
  }

  /** Flushes, then waits for requests still running for spooled batches (bounded the same way). */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.#closed = true;
    await Promise.all([...this.#deliveries].map((delivery) => delivery.done));
    this.#replayer?.stop();
    this.#spool?.close();
    this.#journal?.close();
    this.#sender.close();
  }

  /**
   * Until the returned release is called, exports give up `millis` from now: requests running
   * then are aborted and their batches spooled (or counted as `shutdown_timeout` without a
   * spool), later batches are spooled at once, and replay pauses. Used for signals, `beforeExit`
   * and `shutdown()`.
   */
  hurry(millis: number): () => void {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), millis);
    timer.unref();
    const urgent = { deadline: Date.now() + millis, abort };
    this.#urgent = urgent;
    for (const delivery of this.#deliveries) abortWith(abort.signal, delivery.abort);
    this.#replayer?.pause();
    return () => {
      clearTimeout(timer);
      if (this.#urgent !== urgent) return;
      this.#urgent = undefined;
      if (!this.#closed && !this.#exiting) this.#replayer?.resume();
    };
  }

  /**
   * Synchronously keeps `pending` (records the batch processor still queues) and every batch
   * whose request has not been answered, for a process that is ending now (`process.exit()`, a
   * signal about to be re-raised, the end of `shutdown()`): spooled, or counted as
   * `shutdown_timeout` without a spool. Their requests are aborted; a batch that was in flight
   * may still have reached the receiver and then arrives twice. Batches spooled at the export
   * deadline stay in the spool. Nothing the exporter does afterwards is counted again.
   */
  keepAtExit(pending: ReadableLogRecord[]): void {
    this.#exiting = true;
    const batches: ReadableLogRecord[][] = [];
    for (const delivery of this.#deliveries) {
      if (delivery.abandoned) continue;
      delivery.abandoned = true;
      delivery.abort.abort();
      if (!delivery.isAnswered) batches.push(delivery.logs);
    }
    const fresh = pending.filter((record) => !this.#keptAtExit.has(record));
    if (fresh.length > 0) batches.push(fresh);
    for (const logs of batches) this.#keep(logs, 'the process ended before they were sent');
    this.#replayer?.stop();
    this.#spool?.close();
    this.#journal?.close();
  }

  #keep(logs: ReadableLogRecord[], reason: string): void {
    for (const record of logs) this.#keptAtExit.add(record);
    const payload = this.#spool === undefined ? undefined : this.#serialize(logs);
    if (payload !== undefined && this.#spool!.append(payload, logs.length, this.#json)) {
      this.#listener.spooled(logs.length, reason);
    } else {
      this.#listener.dropped(
        'shutdown_timeout',
        logs.length,
        this.#spool === undefined
          ? `${reason} and no spool is set`
          : `${reason} and the spool ${this.#spool.dir} could not be written`,
      );
    }
    this.#journal?.settle(logs);
  }

  #start(logs: ReadableLogRecord[], payload: Uint8Array, callback: (result: ExportResult) => void): void {
    let resolveAnswered = (): void => undefined;
    const delivery: Delivery = {
      logs,
      payload,
      abort: new AbortController(),
      answered: new Promise((resolve) => (resolveAnswered = resolve)),
      isAnswered: false,
      answer: (result) => {
        if (delivery.isAnswered) return;
        delivery.isAnswered = true;
        this.#journal?.settle(logs);
        resolveAnswered();
        callback(result);
      },
      held: undefined,
      abandoned: false,
      done: Promise.resolve(),
    };
    if (this.#urgent !== undefined) abortWith(this.#urgent.abort.signal, delivery.abort);
    this.#deliveries.add(delivery);
    const deadline =
      this.#spool === undefined
        ? undefined
        : setTimeout(() => this.#hold(delivery), this.#exportDeadlineMillis);
    deadline?.unref();
    delivery.done = this.#deliver(delivery, logs, payload, true)
      .then(delivery.answer, (error: unknown) =>
        delivery.answer({ code: ExportResultCode.FAILED, error: error as Error }),
      )
      .finally(() => {
        clearTimeout(deadline);
        this.#deliveries.delete(delivery);
      });
  }

  /** The export deadline passed: the batch goes to the spool and the queue moves on. */
  #hold(delivery: Delivery): void {
    if (delivery.isAnswered || delivery.abandoned || this.#closed) return;
    const entry = this.#spool!.appendEntry(delivery.payload, delivery.logs.length, this.#json);
    // A spool that cannot take it: the request keeps the queue, as it would without a deadline.
    if (entry === undefined) return;
    delivery.held = entry;
    this.#listener.spooled(
      delivery.logs.length,
      `no answer within delivery.exportDeadlineMillis (${this.#exportDeadlineMillis} ms); ` +
        'the request goes on, and an answer marks the spooled copy delivered',
    );
    delivery.answer(SUCCESS);
    this.#replayer?.start();
  }

  /** The spooled copy of a held batch is no longer needed: its request was answered. */
  #settleHeld(delivery: Delivery): void {
    const held = delivery.held;
    if (held === undefined) return;
    delivery.held = undefined;
    this.#spool!.settleEntries([held]);
    this.#listener.unspooled(held.recordCount);
  }

  /** Resolves once no request is running for a batch that was spooled at the export deadline. */
  async #heldRequestsEnded(): Promise<void> {
    for (;;) {
      const held = [...this.#deliveries].filter((delivery) => delivery.held !== undefined);
      if (held.length === 0) return;
      await Promise.all(held.map((delivery) => delivery.done));
    }
  }

  async #deliver(
    delivery: Delivery,
    logs: ReadableLogRecord[],
    payload: Uint8Array,
    whole: boolean,
  ): Promise<ExportResult> {
    const outcome = await this.#sendWithRetries(payload, delivery.abort.signal);
    if (delivery.abandoned) {
      return { code: ExportResultCode.FAILED, error: new Error('kept at exit') };
    }
    switch (outcome.kind) {
      case 'success':
        if (whole) this.#settleHeld(delivery);
        this.#accepted(logs.length, outcome.body, contentTypeOf(this.#json));
        this.#replayer?.wake();
        return SUCCESS;
      case 'rejected':
        if (whole) this.#settleHeld(delivery);
        this.#listener.dropped('rejected', logs.length, outcome.reason);
        return { code: ExportResultCode.FAILED, error: new Error(outcome.reason) };
      case 'too_large':
        if (whole) this.#settleHeld(delivery);
        return this.#split(delivery, logs, outcome.reason);
      case 'retryable':
        if (whole && delivery.held !== undefined) {
          // Already in the spool: replay takes it from there once this request is over.
          this.#replayer?.start(outcome.retryAfterMillis);
          return { code: ExportResultCode.FAILED, error: new Error(outcome.reason) };
        }
        if (this.#spool !== undefined) {
          return this.#toSpool(payload, logs.length, outcome.reason, outcome.retryAfterMillis);
        }
        this.#listener.dropped(
          this.#pastUrgentDeadline() ? 'shutdown_timeout' : 'export_failed',
          logs.length,
          outcome.reason,
        );
        return { code: ExportResultCode.FAILED, error: new Error(outcome.reason) };
    }
  }

  /** A 413: halves are sent one after the other, each split again if still too large. */
  async #split(delivery: Delivery, logs: ReadableLogRecord[], reason: string): Promise<ExportResult> {
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
      let halfResult: ExportResult;
      if (payload === undefined) {
        this.#listener.dropped(
          'export_failed',
          half.length,
          'the OTLP serializer could not encode the batch',
        );
        halfResult = { code: ExportResultCode.FAILED };
      } else {
        halfResult = await this.#deliver(delivery, half, payload, false);
      }
      if (halfResult.code !== ExportResultCode.SUCCESS) result = halfResult;
    }
    return result;
  }

  async #sendWithRetries(payload: Uint8Array, signal: AbortSignal): Promise<SendOutcome> {
    const contentType = contentTypeOf(this.#json);
    const deadline = Date.now() + this.#timeoutMillis;
    let outcome: SendOutcome = { kind: 'retryable', reason: 'shutdown deadline reached before sending' };
    // With a spool, the replayer does the retrying (with backoff and Retry-After): retrying here
    // would hold the batch processor, whose queue then overflows during an outage.
    const maxRetries = this.#spool === undefined ? MAX_RETRIES : 0;
    for (let retry = 0; retry <= maxRetries; retry++) {
      const remaining = Math.min(deadline, this.#urgent?.deadline ?? Infinity) - Date.now();
      if (remaining <= 0 || signal.aborted) return outcome;
      outcome = await this.#sender.send(payload, contentType, remaining, signal);
      if (outcome.kind !== 'retryable' || retry === maxRetries) return outcome;
      const wait = outcome.retryAfterMillis ?? retryBackoffMillis(retry);
      if (Date.now() + wait >= Math.min(deadline, this.#urgent?.deadline ?? Infinity)) return outcome;
      const slept = await sleep(wait, signal, true);
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

/** Aborts `controller` when `signal` aborts (at once if it already has). */
function abortWith(signal: AbortSignal, controller: AbortController): void {
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
}
