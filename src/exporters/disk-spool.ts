import {
  closeSync,
  ftruncateSync,
  fdatasyncSync,
  readSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  decodeSegment,
  deliveredMarker,
  encodeFrame,
  FRAME_HEADER_BYTES,
  type SpoolFrame,
} from './spool-frame.ts';

const SEGMENT_SUFFIX = '.lwspool';
const SEGMENT_NAME = /^(\d{15})-(\d{6})-(\d+)\.lwspool$/;
/** Shared by every spool of this process, so two pipelines never pick the same segment name. */
let segmentSequence = 0;
/** Segments named with this pid but older than this process come from an earlier run with the same pid. */
const processStartedAt = Date.now() - Math.ceil(process.uptime() * 1000);

/** What the spool tells its owner about data it had to give up. */
export interface SpoolEvents {
  /** Oldest data removed to make room (`spool_full`). */
  evicted(records: number, bytes: number): void;
  /** A torn or damaged tail found while reading a segment; its records are never sent. */
  damaged(records: number, bytes: number, segment: string): void;
}

interface Segment {
  name: string;
  path: string;
  bytes: number;
  /** Records in frames not yet delivered. */
  pendingRecords: number;
  /** Where the frames are, loaded once the segment is sealed and replay reaches it. */
  frames?: FrameIndex[];
  cursor: number;
}

/** A frame's place in its segment; the payload is read only when the frame is sent. */
type FrameIndex = Omit<SpoolFrame, 'payload'>;

/** One frame waiting to be replayed, and how to mark it done. */
export interface SpooledBatch {
  readonly recordCount: number;
  readonly contentType: string;
  readonly payload: Buffer;
  /** Marks the frame delivered (or given up) on disk; the segment is removed once empty. */
  settle(): void;
}

/** A frame this process appended and will settle itself (see `appendEntry`). */
export interface SpoolEntry {
  readonly recordCount: number;
}

interface EntryState extends SpoolEntry {
  readonly segment: Segment;
  readonly offset: number;
  settled: boolean;
}

/**
 * A bounded, append-only, crash-safe spool of serialized OTLP requests in `dir`.
 *
 * Each process appends only to segment files named with its own pid, so several processes can
 * share a directory without interleaving. At start a process adopts segments left by processes
 * that no longer run (by renaming them to its own pid, which is atomic, so only one adopter
 * wins). Frames carry a length and a CRC (see `spool-frame.ts`): a tail torn by `kill -9` is
 * detected and skipped, never sent. When the bytes held would pass `maxBytes`, whole segments
 * are removed oldest first and their records counted as evicted.
 */
export class DiskSpool {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #events: SpoolEvents;
  readonly #segments: Segment[] = [];
  #current: { segment: Segment; fd: number } | undefined;

  constructor(options: { dir: string; maxBytes: number; events: SpoolEvents }) {
    this.dir = options.dir;
    this.#maxBytes = options.maxBytes;
    // Eviction works per segment, so segments are a small share of the budget.
    this.#segmentBytes = Math.max(64 * 1024, Math.min(1024 * 1024, Math.floor(options.maxBytes / 8)));
    this.#events = options.events;
    mkdirSync(this.dir, { recursive: true });
    this.#adoptLeftovers();
  }

  /** Bytes currently held. */
  get bytes(): number {
    return this.#segments.reduce((sum, segment) => sum + segment.bytes, 0);
  }

  /** Records held and not yet delivered. */
  get pendingRecords(): number {
    return this.#segments.reduce((sum, segment) => sum + segment.pendingRecords, 0);
  }

  hasPending(): boolean {
    return this.#segments.some((segment) => segment.pendingRecords > 0);
  }

  /**
   * Appends one request synchronously (so it is safe from an `exit` handler).
   * @returns false when the batch alone is larger than the whole spool, or the disk failed.
   */
  append(payload: Uint8Array, recordCount: number, json: boolean): boolean {
    const frame = encodeFrame(payload, recordCount, json);
    if (frame.length > this.#maxBytes) return false;
    this.#evictFor(frame.length);
    let current: { segment: Segment; fd: number };
    try {
      current = this.#currentSegment(frame.length);
    } catch {
      return false; // no segment could be created (disk or inodes full, directory gone)
    }
    let written = 0;
    try {
      while (written < frame.length) {
        const count = writeSync(current.fd, frame, written);
        if (count === 0) throw new Error('the write made no progress');
        written += count;
      }
    } catch {
      this.#undoPartialWrite(current, written);
      return false;
    }
    current.segment.bytes += frame.length;
    current.segment.pendingRecords += recordCount;
    return true;
  }

  /**
   * `append`, returning a handle by which the caller marks the frame delivered once the same
   * records reached the receiver another way (the request still running when the batch was
   * spooled, or the batch that carried a record also journaled on its own). Until then the frame
   * is pending like any other, and survives a crash. `fsync` also flushes it to the device.
   */
  appendEntry(
    payload: Uint8Array,
    recordCount: number,
    json: boolean,
    fsync = false,
  ): SpoolEntry | undefined {
    const before = this.#current?.segment;
    if (!this.append(payload, recordCount, json)) return undefined;
    const current = this.#current!;
    if (fsync) {
      try {
        fdatasyncSync(current.fd);
      } catch {
        // Written to the page cache all the same: it survives a process crash.
      }
    }
    if (before !== undefined && before !== current.segment) this.#removeSettledSegments();
    const entry: EntryState = {
      recordCount,
      segment: current.segment,
      offset: current.segment.bytes - FRAME_HEADER_BYTES - payload.byteLength,
      settled: false,
    };
    return entry;
  }

  /** Marks frames from `appendEntry` delivered (once each); a segment left empty is removed. */
  settleEntries(entries: readonly SpoolEntry[]): void {
    const bySegment = new Map<Segment, EntryState[]>();
    for (const entry of entries as readonly EntryState[]) {
      if (entry.settled) continue;
      entry.settled = true;
      if (!this.#segments.includes(entry.segment)) continue; // evicted meanwhile
      const frame = entry.segment.frames?.find((each) => each.offset === entry.offset);
      if (frame !== undefined) {
        this.#settle(entry.segment, frame);
        continue;
      }
      entry.segment.pendingRecords -= entry.recordCount;
      const list = bySegment.get(entry.segment) ?? [];
      list.push(entry);
      bySegment.set(entry.segment, list);
    }
    for (const [segment, list] of bySegment) {
      try {
        const fd = openSync(segment.path, 'r+');
        try {
          for (const entry of list) writeSync(fd, deliveredMarker(), 0, 4, entry.offset);
        } finally {
          closeSync(fd);
        }
      } catch {
        // The marker only saves a duplicate after a crash; failing to write it loses nothing.
      }
    }
    this.#removeSettledSegments();
  }

  /** Removes sealed segments whose every frame was settled through `settleEntries`. */
  #removeSettledSegments(): void {
    for (const segment of [...this.#segments]) {
      if (segment !== this.#current?.segment && segment.frames === undefined && segment.pendingRecords <= 0)
        this.#remove(segment);
    }
  }

  /** The oldest batch not yet delivered, or undefined when the spool is empty. */
  next(): SpooledBatch | undefined {
    while (this.#segments.length > 0) {
      const segment = this.#segments[0]!;
      if (this.#current?.segment === segment) {
        this.#seal();
        if (this.#segments[0] !== segment) continue; // it was empty and is gone
      }
      segment.frames ??= this.#load(segment, false);
      while (segment.cursor < segment.frames.length && segment.frames[segment.cursor]!.delivered) {
        segment.cursor++;
      }
      const frame = segment.frames[segment.cursor];
      if (frame === undefined) {
        this.#remove(segment);
        continue;
      }
      const payload = this.#readPayload(segment, frame);
      if (payload === undefined) {
        // Damaged since it was indexed (edited or truncated by hand): skipped, never sent.
        this.#events.damaged(frame.recordCount, frame.size, segment.name);
        this.#settle(segment, frame);
        continue;
      }
      return {
        recordCount: frame.recordCount,
        contentType: frame.contentType,
        payload,
        settle: () => this.#settle(segment, frame),
      };
    }
    return undefined;
  }

  /** Closes the segment being appended to. */
  close(): void {
    this.#seal();
  }

  /** Reads and re-checks one frame, so replay holds one request in memory, not a segment. */
  #readPayload(segment: Segment, frame: FrameIndex): Buffer | undefined {
    try {
      const bytes = Buffer.allocUnsafe(frame.size);
      const fd = openSync(segment.path, 'r');
      try {
        if (readSync(fd, bytes, 0, frame.size, frame.offset) !== frame.size) return undefined;
      } finally {
        closeSync(fd);
      }
      return decodeSegment(bytes).frames[0]?.payload;
    } catch {
      return undefined;
    }
  }

  #settle(segment: Segment, frame: FrameIndex): void {
    if (frame.delivered) return;
    frame.delivered = true;
    segment.pendingRecords -= frame.recordCount;
    if (!this.#segments.includes(segment)) return; // evicted meanwhile
    try {
      const fd = openSync(segment.path, 'r+');
      try {
        writeSync(fd, deliveredMarker(), 0, 4, frame.offset);
      } finally {
        closeSync(fd);
      }
    } catch {
      // The marker only saves a duplicate after a crash; failing to write it loses nothing.
    }
    if (segment.frames !== undefined && segment.frames.every((each) => each.delivered)) this.#remove(segment);
  }

  #currentSegment(frameBytes: number): { segment: Segment; fd: number } {
    if (this.#current !== undefined && this.#current.segment.bytes + frameBytes > this.#segmentBytes) {
      this.#seal();
    }
    if (this.#current === undefined) {
      const name = `${String(Date.now()).padStart(15, '0')}-${String(segmentSequence++ % 1_000_000).padStart(6, '0')}-${process.pid}${SEGMENT_SUFFIX}`;
      const segment: Segment = { name, path: join(this.dir, name), bytes: 0, pendingRecords: 0, cursor: 0 };
      this.#current = { segment, fd: openSync(segment.path, 'a') };
      this.#segments.push(segment);
    }
    return this.#current;
  }

  /**
   * After a failed append (disk full, I/O error) the segment must be as it was before, so the
   * next append reuses it: sealing it instead would leave one more segment per failed batch,
   * empty or holding a torn frame whose records, already counted as lost by the caller, would
   * be counted again as `spool_corrupt` when read.
   */
  #undoPartialWrite(current: { segment: Segment; fd: number }, written: number): void {
    if (written === 0) return;
    try {
      // The segment is opened with O_APPEND, so the next frame goes to the new end.
      ftruncateSync(current.fd, current.segment.bytes);
    } catch {
      // Cannot cut the partial frame off: seal the segment, so later frames go to a new one and
      // stay readable; the torn tail is found and skipped when the segment is read.
      current.segment.bytes += written;
      this.#seal();
    }
  }

  #seal(): void {
    if (this.#current === undefined) return;
    const { segment, fd } = this.#current;
    this.#current = undefined;
    try {
      closeSync(fd);
    } catch {
      // Already closed; nothing is lost.
    }
    // Every append to it failed: no empty file is left behind.
    if (segment.bytes === 0) this.#remove(segment);
  }

  #evictFor(incoming: number): void {
    let total = this.bytes;
    while (total + incoming > this.#maxBytes && this.#segments.length > 0) {
      const oldest = this.#segments[0]!;
      if (this.#current?.segment === oldest) this.#seal();
      total -= oldest.bytes;
      this.#events.evicted(oldest.pendingRecords, oldest.bytes);
      oldest.pendingRecords = 0;
      this.#remove(oldest);
    }
  }

  #remove(segment: Segment): void {
    const index = this.#segments.indexOf(segment);
    if (index >= 0) this.#segments.splice(index, 1);
    if (this.#current?.segment === segment) this.#seal();
    try {
      unlinkSync(segment.path);
    } catch {
      // Already gone (removed by hand): nothing left to send from it.
    }
  }

  #load(segment: Segment, reportDamage: boolean): FrameIndex[] {
    let data: Buffer;
    try {
      data = readFileSync(segment.path);
    } catch {
      segment.pendingRecords = 0;
      return [];
    }
    const decoded = decodeSegment(data);
    if (reportDamage && decoded.tornBytes > 0)
      this.#events.damaged(decoded.tornRecords, decoded.tornBytes, segment.name);
    segment.pendingRecords = decoded.frames.reduce(
      (sum, frame) => sum + (frame.delivered ? 0 : frame.recordCount),
      0,
    );
    return decoded.frames.map(({ payload: _payload, ...index }) => index);
  }

  /** Adopts this directory's segments whose writer is gone (including a previous run of this pid). */
  #adoptLeftovers(): void {
    const names = readdirSync(this.dir)
      .filter((name) => SEGMENT_NAME.test(name))
      .sort();
    for (const name of names) {
      const [, created, sequence, pidText] = SEGMENT_NAME.exec(name)!;
      const pid = Number(pidText);
      let adoptedName = name;
      if (pid === process.pid && Number(created) >= processStartedAt) continue; // another pipeline's
      if (pid !== process.pid) {
        if (isRunning(pid)) continue;
        adoptedName = `${created}-${sequence}-${process.pid}${SEGMENT_SUFFIX}`;
        try {
          renameSync(join(this.dir, name), join(this.dir, adoptedName));
        } catch {
          continue; // another process adopted it first
        }
      }
      const path = join(this.dir, adoptedName);
      const segment: Segment = {
        name: adoptedName,
        path,
        bytes: statSync(path).size,
        pendingRecords: 0,
        cursor: 0,
      };
      // Read once to count what it holds and report a torn tail; frames are reloaded when
      // replay reaches the segment, so adopting a full spool does not hold it all in memory.
      this.#load(segment, true);
      this.#segments.push(segment);
    }
    const adopted = this.#segments.filter((segment) => segment.pendingRecords === 0);
    for (const empty of adopted) this.#remove(empty);
  }
}

/**
 * Moves the segments in `fromDir` whose writer is gone (as `DiskSpool` would adopt them) into
 * `toDir`, where the spool there adopts and replays them; a segment another process moved first
 * is skipped. Segment names are unique across the spools of one process, so nothing is replaced.
 * Used for the durable journal: what a killed process journaled is replayed by the next start.
 */
export function moveLeftoverSegments(fromDir: string, toDir: string): void {
  let names: string[];
  try {
    names = readdirSync(fromDir).filter((name) => SEGMENT_NAME.test(name));
  } catch {
    return; // no journal yet
  }
  for (const name of names) {
    const [, created, , pidText] = SEGMENT_NAME.exec(name)!;
    const pid = Number(pidText);
    const gone = pid === process.pid ? Number(created) < processStartedAt : !isRunning(pid);
    if (!gone) continue;
    try {
      renameSync(join(fromDir, name), join(toDir, name));
    } catch {
      // Another process moved it first.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs under another user, so it is alive and its segments are not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
