import type { TraceState } from '@opentelemetry/api';

/*
 * The W3C Trace Context `tracestate` header, parsed and written per the current (Level 2)
 * grammar. `@opentelemetry/core`'s TraceState (3.1) predates it in four ways, each checked by
 * the W3C test suite: it knows only the older multi-tenant key form `tenant@vendor` (vendor part
 * at most 14 characters, no key starting with a digit unless it has an `@`), it drops an invalid
 * member and keeps the rest where the suite expects the whole header to be discarded, it keeps
 * the first 32 of a longer list, and over 512 characters it skips whichever members do not fit
 * instead of removing entries from the end. The traceparent side of that propagator is up to
 * date and is kept (see `w3c-carrier.ts`); only this part is replaced.
 *
 * Section names below are those of the W3C Trace Context Level 2 specification,
 * "Trace Context HTTP Request Headers Format" and "Processing Model".
 */

/** Limits of `tracestate`; all from the W3C specification. */
export const TRACESTATE_LIMITS = {
  /** "list": at most 32 list-members (empty members not counted, see below). */
  maxMembers: 32,
  /** "Key": up to 256 characters. */
  maxKeyLength: 256,
  /** "Value": up to 256 characters. */
  maxValueLength: 256,
  /**
   * "tracestate Limits": vendors SHOULD propagate at least 512 characters of the combined
   * header; logweave propagates exactly that much and truncates longer lists by whole entries.
   */
  maxLength: 512,
  /** "tracestate Limits": entries longer than 128 characters are removed first when truncating. */
  largeEntryLength: 128,
} as const;

/** Why a whole `tracestate` header was discarded. */
export type TracestateDiscardReason = 'invalid-member' | 'too-many-members';

/** One list-member, as it is written: `key=value`. */
interface Entry {
  readonly key: string;
  readonly value: string;
}

const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const EQUALS = 0x3d;

function isLcAlphaOrDigit(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

/**
 * "Key": `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`, keychar = lcalpha / DIGIT / `_` / `-` /
 * `*` / `/` / `@`. The current grammar has no separate multi-tenant form: any number of `@`
 * anywhere but first.
 */
export function isValidTracestateKey(key: string): boolean {
  if (key.length === 0 || key.length > TRACESTATE_LIMITS.maxKeyLength) return false;
  if (!isLcAlphaOrDigit(key.charCodeAt(0))) return false;
  for (let index = 1; index < key.length; index++) {
    const code = key.charCodeAt(index);
    if (
      !isLcAlphaOrDigit(code) &&
      code !== 0x5f &&
      code !== 0x2d &&
      code !== 0x2a &&
      code !== 0x2f &&
      code !== 0x40
    )
      return false;
  }
  return true;
}

/**
 * "Value": `value = 0*255(chr) nblk-chr`, chr = 0x20–0x7E except `,` and `=`; the last
 * character is not a space. Leading spaces belong to the value.
 */
export function isValidTracestateValue(value: string): boolean {
  if (value.length === 0 || value.length > TRACESTATE_LIMITS.maxValueLength) return false;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < SPACE || code > 0x7e || code === COMMA || code === EQUALS) return false;
  }
  return value.charCodeAt(value.length - 1) !== SPACE;
}

function isOws(code: number): boolean {
  return code === SPACE || code === TAB;
}

/**
 * Parses a combined `tracestate` header (duplicates already joined with `,`).
 *
 * - Spaces and tabs around members are ignored; empty members are allowed ("list") and are not
 *   counted toward the 32: the spec allows them because combining several headers makes them,
 *   and a list of 32 members sent with an empty extra header should not be lost.
 * - A member that is not `key=value` with a valid key and value makes the header unparseable:
 *   the whole header is discarded ("Processing Model", step 3: "If the tracestate header cannot
 *   be parsed the vendor MAY discard the entire header"; the W3C suite expects it).
 * - More than 32 members: the list grammar (`list-member 0*31( … )`) does not match, so the
 *   whole header is discarded likewise.
 * - A key seen twice keeps its first (left-most, most recent) entry; later ones are dropped
 *   ("Mutating the tracestate Field": vendors MAY discard duplicate keys).
 * - Over 512 characters, whole entries are removed, see `truncate`.
 *
 * Linear in the header's length: one scan with `indexOf`, each character examined a bounded
 * number of times.
 */
export function parseTracestate(header: string): W3cTraceState | TracestateDiscardReason {
  const entries: Entry[] = [];
  let members = 0;
  for (let start = 0; start <= header.length;) {
    const comma = header.indexOf(',', start);
    let end = comma === -1 ? header.length : comma;
    let first = start;
    start = end + 1;
    while (first < end && isOws(header.charCodeAt(first))) first++;
    while (end > first && isOws(header.charCodeAt(end - 1))) end--;
    if (first === end) continue;
    if (++members > TRACESTATE_LIMITS.maxMembers) return 'too-many-members';
    // Cheap bound before any slicing: a member longer than key, "=" and value cannot be valid.
    if (end - first > TRACESTATE_LIMITS.maxKeyLength + 1 + TRACESTATE_LIMITS.maxValueLength)
      return 'invalid-member';
    const equals = header.indexOf('=', first);
    if (equals === -1 || equals >= end) return 'invalid-member';
    const key = header.slice(first, equals);
    const value = header.slice(equals + 1, end);
    if (!isValidTracestateKey(key) || !isValidTracestateValue(value)) return 'invalid-member';
    if (!entries.some((entry) => entry.key === key)) entries.push({ key, value });
  }
  return new W3cTraceState(truncate(entries));
}

function entryLength(entry: Entry): number {
  return entry.key.length + 1 + entry.value.length;
}

/**
 * Keeps `entries` within 512 characters written with `,` between them ("tracestate Limits"):
 * whole entries are removed, those longer than 128 characters first, then from the end, each
 * time the right-most candidate, until the rest fits. Linear: two passes from the end.
 */
function truncate(entries: readonly Entry[]): readonly Entry[] {
  let length = entries.length === 0 ? 0 : entries.length - 1;
  for (const entry of entries) length += entryLength(entry);
  if (length <= TRACESTATE_LIMITS.maxLength) return entries;
  const removed = new Array<boolean>(entries.length).fill(false);
  let kept = entries.length;
  const remove = (index: number, entry: Entry): void => {
    removed[index] = true;
    kept--;
    // The entry goes, and so does one comma (none when it was the last one left).
    length -= entryLength(entry) + (kept > 0 ? 1 : 0);
  };
  for (let index = entries.length - 1; index >= 0 && length > TRACESTATE_LIMITS.maxLength; index--) {
    const entry = entries[index] as Entry;
    if (entryLength(entry) > TRACESTATE_LIMITS.largeEntryLength) remove(index, entry);
  }
  for (let index = entries.length - 1; index >= 0 && length > TRACESTATE_LIMITS.maxLength; index--) {
    if (!removed[index]) remove(index, entries[index] as Entry);
  }
  return entries.filter((_, index) => !removed[index]);
}

/**
 * An immutable `tracestate` that implements the OTel API's `TraceState`, so it travels in a
 * `SpanContext` and the OTel propagators and SDK can read and mutate it. It always holds what is
 * propagated: at most 32 members within 512 characters.
 */
export class W3cTraceState implements TraceState {
  readonly #entries: readonly Entry[];
  // Written once: every outgoing call of a request serialises the same state.
  readonly #serialized: string;

  /** Internal: entries already checked and truncated. Build one with `parseTracestate`. */
  constructor(entries: readonly Entry[] = []) {
    this.#entries = entries;
    this.#serialized = entries.map((entry) => `${entry.key}=${entry.value}`).join(',');
  }

  /**
   * A new state with `key` set to `value`, moved to the front ("Mutating the tracestate Field":
   * modified and new keys go to the left). When the list would hold 33 members the right-most
   * is removed ("tracestate Header Field Values"); an invalid key or value leaves the state
   * as it is, as the OTel `TraceState` does (the API's `set` cannot report an error).
   */
  set(key: string, value: string): W3cTraceState {
    if (!isValidTracestateKey(key) || !isValidTracestateValue(value)) return this;
    const entries = [{ key, value }, ...this.#entries.filter((entry) => entry.key !== key)];
    if (entries.length > TRACESTATE_LIMITS.maxMembers) entries.length = TRACESTATE_LIMITS.maxMembers;
    return new W3cTraceState(truncate(entries));
  }

  unset(key: string): W3cTraceState {
    if (!this.#entries.some((entry) => entry.key === key)) return this;
    return new W3cTraceState(this.#entries.filter((entry) => entry.key !== key));
  }

  get(key: string): string | undefined {
    return this.#entries.find((entry) => entry.key === key)?.value;
  }

  /** The header value: `key=value` members joined with `,`, no whitespace; `''` when empty. */
  serialize(): string {
    return this.#serialized;
  }

  /** Number of members. */
  get size(): number {
    return this.#entries.length;
  }
}
