import type { Context } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { SEVERITY_NAMES, severityNameOf, type SeverityName } from '../core/severity.ts';
import type { LoggingStats } from '../core/stats.ts';
import type { DiskSpool, SpoolEntry } from './disk-spool.ts';

/**
 * A write-ahead copy of the records that matter most (`delivery.durableSeverity`). Each one is
 * serialized and appended to the journal, a spool of its own in `<spoolDir>/journal`, before the
 * batch queue takes it (so before `emit()` returns); the copy is marked delivered (`settle`) once the
 * batch that carries the record was delivered, spooled or counted as dropped. A process killed
 * while such records wait in the queue or in a request therefore loses none of them: the next
 * start moves the journal's unsettled frames into the spool (`moveLeftoverSegments`), which
 * replays them. The cost is one serialization and one `write()` per journaled record, and one
 * marker write per batch that carried some.
 */
export class DurableJournal {
  readonly #spool: DiskSpool;
  readonly #json: boolean;
  readonly #fsync: boolean;
  /** By severity number (0..24): is a record of that severity journaled? */
  readonly #durable: boolean[];
  readonly #entries = new WeakMap<ReadableLogRecord, SpoolEntry>();
  readonly #onWriteFailed: (reason: string) => void;
  #dropsSeen = 0;

  constructor(options: {
    spool: DiskSpool;
    json: boolean;
    fsync: boolean;
    severity: SeverityName;
    stats: LoggingStats;
    /** Told (rate-limited by the caller) when a record could not be journaled; it stays in memory. */
    onWriteFailed: (reason: string) => void;
  }) {
    this.#spool = options.spool;
    this.#json = options.json;
    this.#fsync = options.fsync;
    const lowest = SEVERITY_NAMES.indexOf(options.severity);
    this.#durable = Array.from(
      { length: 25 },
      (_, number) => SEVERITY_NAMES.indexOf(severityNameOf(number)) >= lowest,
    );
    this.#onWriteFailed = options.onWriteFailed;
    // A drop counted while the queue takes a record means the queue refused it (full, or shut down).
    options.stats.onDrop(() => this.#dropsSeen++);
  }

  /** Wraps the batch processor: records at the durable severity are journaled before it takes them. */
  track(batch: LogRecordProcessor): LogRecordProcessor {
    return {
      onEmit: (record: ReadWriteLogRecord, context?: Context) => {
        // Written first, so the copy exists before any export of the record can settle it.
        const journaled = this.#isDurable(record.severityNumber) && this.#write(record);
        const dropsBefore = this.#dropsSeen;
        batch.onEmit(record, context);
        // Refused by the full queue: counted as dropped, it must not come back from the journal.
        if (journaled && this.#dropsSeen !== dropsBefore) this.settle([record]);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => batch.shutdown(),
    };
  }

  /** Marks the journaled copies of `logs` delivered: the batch carrying them is settled. */
  settle(logs: readonly ReadableLogRecord[]): void {
    let entries: SpoolEntry[] | undefined;
    for (const record of logs) {
      const entry = this.#entries.get(record);
      if (entry === undefined) continue;
      this.#entries.delete(record);
      (entries ??= []).push(entry);
    }
    if (entries !== undefined) this.#spool.settleEntries(entries);
  }

  close(): void {
    this.#spool.close();
    this.#spool.settleEntries([]); // removes segments every copy of which was settled
  }

  /** Unspecified and out-of-range severities count as INFO, as everywhere in logweave. */
  #isDurable(severityNumber: number | undefined): boolean {
    const number = severityNumber ?? 0;
    return this.#durable[number >= 0 && number <= 24 ? number : 0] === true;
  }

  /** @returns whether the record is now journaled. */
  #write(record: ReadableLogRecord): boolean {
    let payload: Uint8Array | undefined;
    try {
      payload = (this.#json ? JsonLogsSerializer : ProtobufLogsSerializer).serializeRequest([record]);
    } catch {
      payload = undefined;
    }
    const entry =
      payload === undefined ? undefined : this.#spool.appendEntry(payload, 1, this.#json, this.#fsync);
    if (entry === undefined) {
      this.#onWriteFailed(
        payload === undefined
          ? 'the OTLP serializer could not encode the record'
          : `the journal ${this.#spool.dir} could not be written`,
      );
      return false;
    }
    this.#entries.set(record, entry);
    return true;
  }
}
