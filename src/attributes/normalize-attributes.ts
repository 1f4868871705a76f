import type { AnyValue, Attributes } from '@opentelemetry/api';

/** Deepest nesting kept in an attribute value; deeper objects become `"[Object]"`. Default: 8. */
export const DEFAULT_MAX_DEPTH = 8;

/**
 * Turns arbitrary user values into OTel `AnyValue`s without throwing: Errors, Dates, BigInts,
 * Buffers, Maps, Sets, cycles, symbols and functions all get a faithful, bounded form.
 */
export function normalizeAttributes(input: Readonly<Record<string, unknown>>): Attributes {
  const output: Attributes = {};
  const seen = new Set<object>([input]);
  for (const key of Object.keys(input)) {
    const value = toAnyValue(input[key], 1, seen);
    if (value !== undefined) defineOwn(output, key, value);
  }
  return output;
}

// defineProperty keeps keys such as "__proto__" ordinary own data properties.
function defineOwn(target: Record<string, AnyValue>, key: string, value: AnyValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function toAnyValue(value: unknown, depth: number, seen: Set<object>): AnyValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof Uint8Array) return object;
  if (depth > DEFAULT_MAX_DEPTH) return '[Object]';
  if (seen.has(object)) return '[Circular]';
  seen.add(object);
  try {
    if (object instanceof Error) return errorToAnyValue(object, depth, seen);
    if (Array.isArray(object) || object instanceof Set) {
      const items: AnyValue[] = [];
      for (const item of object as Iterable<unknown>) items.push(toAnyValue(item, depth + 1, seen) ?? null);
      return items;
    }
    const map: Attributes = {};
    const entries: Iterable<[unknown, unknown]> =
      object instanceof Map ? object.entries() : Object.entries(object as Record<string, unknown>);
    for (const [key, entry] of entries) {
      const converted = toAnyValue(entry, depth + 1, seen);
      if (converted !== undefined) defineOwn(map, String(key), converted);
    }
    return map;
  } catch {
    // A throwing getter or proxy: keep a marker rather than lose the whole record.
    return '[Unserializable]';
  } finally {
    seen.delete(object);
  }
}

function errorToAnyValue(error: Error, depth: number, seen: Set<object>): AnyValue {
  const map: Attributes = { type: error.name, message: error.message };
  if (error.stack !== undefined) map['stack'] = error.stack;
  if (error.cause !== undefined) {
    const cause = toAnyValue(error.cause, depth + 1, seen);
    if (cause !== undefined) map['cause'] = cause;
  }
  return map;
}

/** `exception.*` attributes (OTel semantic conventions) for a thrown value. */
export function exceptionAttributes(error: unknown): Attributes {
  if (error instanceof Error) {
    const attributes: Attributes = {
      'exception.type': error.name || error.constructor.name,
      'exception.message': error.message,
    };
    if (error.stack !== undefined) attributes['exception.stacktrace'] = error.stack;
    return attributes;
  }
  return {
    'exception.type': typeof error,
    'exception.message': String(toAnyValue(error, 1, new Set()) ?? error),
  };
}
