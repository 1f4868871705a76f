import type { ViewRecord } from './view-record.ts';

/** The records of one trace, in time order. `traceId` is '' for records outside any trace. */
export interface TraceGroup {
  readonly traceId: string;
  readonly records: readonly ViewRecord[];
}

/**
 * Groups records by trace as they are read (from any number of files, in any order) and
 * hands them back as timelines. Holds only the records given to it: the caller filters first.
 */
export class TraceTimeline {
  readonly #groups = new Map<string, ViewRecord[]>();
  #size = 0;

  add(record: ViewRecord): void {
    let group = this.#groups.get(record.traceId);
    if (group === undefined) {
      group = [];
      this.#groups.set(record.traceId, group);
    }
    group.push(record);
    this.#size += 1;
  }

  /** Records held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Traces ordered by their first record's time, records within a trace by time (ties keep
   * the order they were read in; the sort is stable). Records without a trace come last.
   */
  groups(): TraceGroup[] {
    const groups: TraceGroup[] = [];
    for (const [traceId, records] of this.#groups) {
      records.sort((a, b) => compareTimes(a.timeUnixNano, b.timeUnixNano));
      groups.push({ traceId, records });
    }
    return groups.sort((a, b) => {
      if (a.traceId === '' || b.traceId === '')
        return (a.traceId === '' ? 1 : 0) - (b.traceId === '' ? 1 : 0);
      return compareTimes(firstTime(a), firstTime(b));
    });
  }
}

function firstTime(group: TraceGroup): bigint {
  return group.records[0]?.timeUnixNano ?? 0n;
}

function compareTimes(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
