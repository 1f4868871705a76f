import type { AnyValue, Attributes } from '@opentelemetry/api';
import { DEFAULT_NORMALIZE_LIMITS, type NormalizeLimits } from './attribute-limits.ts';
import { safeKey } from './reserved-keys.ts';
import { truncateUtf16 } from './truncate-text.ts';

/** Budget and cycle state of one `normalizeAttributes` call. */
interface Walk {
  readonly limits: NormalizeLimits;
  /** The objects on the path being converted (at most `maxDepth`): an array beats a Set here. */
  readonly seen: object[];
  values: number;
  chars: number;
}

/**
 * Turns arbitrary user values into OTel `AnyValue`s without throwing and within bounds: Errors
 * (with `cause`), Dates, BigInts, Buffers, Maps, Sets, cycles, symbols, functions, throwing
 * getters and proxies all get a faithful, bounded form. Keys `__proto__`, `constructor` and
 * `prototype` are kept visibly as `[__proto__]` etc. (see `reserved-keys.ts`).
 */
export function normalizeAttributes(
  input: Readonly<Record<string, unknown>>,
  limits: NormalizeLimits = DEFAULT_NORMALIZE_LIMITS,
  omitKey?: string,
): Attributes {
  const output: Attributes = {};
  const walk: Walk = { limits, seen: [], values: 0, chars: 0 };
  let keys: string[];
  try {
    keys = Object.keys(input);
  } catch {
    // A revoked proxy or a throwing ownKeys trap: say so rather than lose the record.
    defineOwn(output, 'logweave.unserializable', '[Unserializable]');
    return output;
  }
  // The attributes object itself counts for cycle detection: `a.self = a` is "[Circular]".
  walk.seen.push(input);
  for (const key of keys) {
    if (key === omitKey) continue;
    const value = toAnyValue(readProperty(input, key), 1, walk);
    if (value !== undefined) defineOwn(output, key, value);
  }
  return output;
}

/**
 * A facade call's attributes: `{ err, ...rest }` becomes `exception.*` plus the normalised rest,
 * without copying `rest` first (a copy would run throwing getters outside any guard).
 */
export function normalizeCallAttributes(
  input: Readonly<Record<string, unknown>>,
  limits: NormalizeLimits = DEFAULT_NORMALIZE_LIMITS,
): Attributes {
  let hasError: boolean;
  try {
    hasError = Object.hasOwn(input, 'err');
  } catch {
    return normalizeAttributes(input, limits);
  }
  if (!hasError) return normalizeAttributes(input, limits);
  return {
    ...normalizeAttributes(input, limits, 'err'),
    ...exceptionAttributes(readProperty(input, 'err'), limits),
  };
}

function readProperty(source: object, key: PropertyKey): unknown {
  try {
    return (source as Record<PropertyKey, unknown>)[key];
  } catch {
    return '[Unserializable]';
  }
}

// defineProperty keeps keys ordinary own data properties; a reserved key is renamed, and a key
// already taken (by a renamed one) is bracketed again, so no entry ever replaces another.
function defineOwn(target: Record<string, AnyValue>, key: string, value: AnyValue): void {
  let stored = safeKey(key);
  // Fast path: a name neither taken nor inherited is a plain assignment (measured ~3x cheaper).
  if (!(stored in target)) {
    target[stored] = value;
    return;
  }
  while (Object.hasOwn(target, stored)) stored = `[${stored}]`;
  // An inherited name (`toString`) is defined, not assigned: assignment fails on a frozen prototype.
  Object.defineProperty(target, stored, { value, enumerable: true, writable: true, configurable: true });
}

function toText(text: string, walk: Walk): string {
  const room = Math.max(0, Math.min(walk.limits.valueLength, walk.limits.maxTotalChars - walk.chars));
  const kept = truncateUtf16(text, room);
  walk.chars += kept.length;
  return kept;
}

function toAnyValue(value: unknown, depth: number, walk: Walk): AnyValue | undefined {
  if (++walk.values > walk.limits.maxTotalValues) return '[Truncated]';
  switch (typeof value) {
    case 'string':
      return toText(value, walk);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return toText(value.toString(), walk);
    case 'undefined':
      return undefined;
    case 'symbol':
      return toText(value.toString(), walk);
    case 'function':
      return toText(`[Function ${functionName(value)}]`, walk);
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (seenBefore(object, walk)) return '[Circular]';
  if (depth > walk.limits.maxDepth) return '[Object]';
  walk.seen.push(object);
  try {
    return objectToAnyValue(object, depth, walk);
  } catch {
    // A throwing getter, iterator or proxy trap: keep a marker rather than lose the record.
    return '[Unserializable]';
  } finally {
    walk.seen.pop();
  }
}

function seenBefore(object: object, walk: Walk): boolean {
  return walk.seen.includes(object);
}

function functionName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function objectToAnyValue(object: object, depth: number, walk: Walk): AnyValue {
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof Uint8Array) {
    // Bytes are kept as bytes (OTLP bytesValue); a copy bounded like a string.
    return object.slice(0, Math.min(object.length, walk.limits.valueLength));
  }
  if (object instanceof ArrayBuffer) {
    return new Uint8Array(object.slice(0, Math.min(object.byteLength, walk.limits.valueLength)));
  }
  if (object instanceof Error) return errorToAnyValue(object, depth, walk);
  if (Array.isArray(object) || object instanceof Set || ArrayBuffer.isView(object)) {
    return listToAnyValue(object as Iterable<unknown>, depth, walk);
  }
  if (object instanceof Map) return entriesToAnyValue(object.entries(), depth, walk);
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // URL, Decimal, ObjectId…: their own serialised form, as JSON.stringify (and pino) would use.
    return toAnyValue(toJSON.call(object), depth, walk) ?? null;
  }
  return entriesToAnyValue(ownEntries(object), depth, walk);
}

function* ownEntries(object: object): Iterable<[string, unknown]> {
  for (const key of Object.keys(object)) yield [key, readProperty(object, key)];
}

function listToAnyValue(items: Iterable<unknown>, depth: number, walk: Walk): AnyValue[] {
  const output: AnyValue[] = [];
  let skipped = 0;
  for (const item of items) {
    if (output.length >= walk.limits.maxCollectionEntries) {
      skipped++;
      continue;
    }
    output.push(toAnyValue(item, depth + 1, walk) ?? null);
  }
  if (skipped > 0) output.push(`[${skipped} more items]`);
  return output;
}

function entriesToAnyValue(entries: Iterable<[unknown, unknown]>, depth: number, walk: Walk): Attributes {
  const output: Attributes = {};
  let count = 0;
  let skipped = 0;
  for (const [key, entry] of entries) {
    if (count >= walk.limits.maxCollectionEntries) {
      skipped++;
      continue;
    }
    const converted = toAnyValue(entry, depth + 1, walk);
    if (converted === undefined) continue;
    defineOwn(output, keyText(key), converted);
    count++;
  }
  if (skipped > 0) defineOwn(output, '[truncated]', `${skipped} more entries`);
  return output;
}

function keyText(key: unknown): string {
  if (typeof key === 'string') return truncateUtf16(key, 256);
  if (typeof key === 'symbol' || typeof key === 'number' || typeof key === 'bigint') return key.toString();
  // Map keys may be objects; a bounded description keeps them distinguishable enough.
  try {
    return truncateUtf16(String(key), 256);
  } catch {
    return '[Unserializable]';
  }
}

function errorToAnyValue(error: Error, depth: number, walk: Walk): AnyValue {
  const map: Attributes = {};
  defineOwn(map, 'type', toText(String(readProperty(error, 'name') ?? 'Error'), walk));
  defineOwn(map, 'message', toText(String(readProperty(error, 'message') ?? ''), walk));
  const stack = readProperty(error, 'stack');
  if (typeof stack === 'string') defineOwn(map, 'stack', toText(stack, walk));
  const cause = readProperty(error, 'cause');
  if (cause !== undefined) {
    const converted = toAnyValue(cause, depth + 1, walk);
    if (converted !== undefined) defineOwn(map, 'cause', converted);
  }
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    defineOwn(map, 'errors', listToAnyValue(error.errors, depth, walk));
  }
  return map;
}

/**
 * `exception.*` attributes (OTel semantic conventions) for a thrown value, never throwing:
 * a non-Error is described by its normalised form. A `cause` chain is appended to the
 * stacktrace (`Caused by: …`, as Java and OTel's exception conventions suggest), bounded.
 */
export function exceptionAttributes(
  error: unknown,
  limits: NormalizeLimits = DEFAULT_NORMALIZE_LIMITS,
): Attributes {
  const walk: Walk = { limits, seen: [], values: 0, chars: 0 };
  if (error instanceof Error) {
    const attributes: Attributes = {
      'exception.type': toText(errorType(error), walk),
      'exception.message': toText(String(readProperty(error, 'message') ?? ''), walk),
    };
    const stack = stackWithCauses(error);
    if (stack !== undefined) attributes['exception.stacktrace'] = toText(stack, walk);
    return attributes;
  }
  const described = toAnyValue(error, 1, walk);
  return {
    'exception.type': typeof error,
    'exception.message': typeof described === 'string' ? described : safeJson(described, walk),
  };
}

function errorType(error: Error): string {
  const name = readProperty(error, 'name');
  if (typeof name === 'string' && name !== '') return name;
  const ctor = readProperty(error, 'constructor') as { name?: unknown } | undefined;
  return typeof ctor?.name === 'string' ? ctor.name : 'Error';
}

/** The stack of `error` followed by its causes' stacks, at most `maxDepth` links deep. */
function stackWithCauses(error: Error): string | undefined {
  const first = readProperty(error, 'stack');
  let text = typeof first === 'string' ? first : undefined;
  const seen = new Set<unknown>([error]);
  let cause = readProperty(error, 'cause');
  for (
    let link = 0;
    link < DEFAULT_NORMALIZE_LIMITS.maxDepth && cause !== undefined && !seen.has(cause);
    link++
  ) {
    seen.add(cause);
    const causeText =
      cause instanceof Error
        ? String(
            readProperty(cause, 'stack') ?? `${errorType(cause)}: ${String(readProperty(cause, 'message'))}`,
          )
        : describe(cause);
    text = `${text ?? ''}\nCaused by: ${causeText}`;
    cause = cause instanceof Error ? readProperty(cause, 'cause') : undefined;
  }
  return text;
}

function describe(value: unknown): string {
  const walk: Walk = { limits: DEFAULT_NORMALIZE_LIMITS, seen: [], values: 0, chars: 0 };
  const converted = toAnyValue(value, 1, walk);
  return typeof converted === 'string' ? converted : safeJson(converted, walk);
}

function safeJson(value: AnyValue | undefined, walk: Walk): string {
  try {
    return toText(
      JSON.stringify(value, (_key, item: unknown) =>
        item instanceof Uint8Array ? Buffer.from(item).toString('base64') : item,
      ) ?? String(value),
      walk,
    );
  } catch {
    return '[Unserializable]';
  }
}
