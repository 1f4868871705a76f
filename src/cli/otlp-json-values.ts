/** OTLP/JSON `KeyValue` as written by the official serializer and the Collector's file exporter. */
export interface OtlpKeyValue {
  key?: unknown;
  value?: unknown;
}

/** A plain value for display and `--json` output. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/*
 * Nesting is bounded so a hostile file cannot blow the stack; deeper values are shown as a marker.
 * 32 is far beyond anything logweave writes (its own attribute normaliser caps depth lower).
 */
const MAX_DEPTH = 32;

/**
 * Converts an OTLP `AnyValue` into a plain value. 64-bit integers arrive as strings (OTLP/JSON
 * spec, Collector) or numbers (some SDKs); they become numbers when exactly representable and
 * stay decimal strings otherwise, so no digit is ever lost. `bytesValue` stays base64.
 */
export function plainValueOf(value: unknown, depth = 0): PlainValue {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return '[too deep]';
  const any = value as Record<string, unknown>;
  if (typeof any['stringValue'] === 'string') return any['stringValue'];
  if (typeof any['boolValue'] === 'boolean') return any['boolValue'];
  if (any['intValue'] !== undefined) return integerOf(any['intValue']);
  if (any['doubleValue'] !== undefined) return doubleOf(any['doubleValue']);
  const array = any['arrayValue'] as { values?: unknown } | undefined;
  if (array !== undefined && array !== null) {
    return Array.isArray(array.values) ? array.values.map((entry) => plainValueOf(entry, depth + 1)) : [];
  }
  const kvlist = any['kvlistValue'] as { values?: unknown } | undefined;
  if (kvlist !== undefined && kvlist !== null) return plainObjectOf(kvlist.values, depth + 1);
  if (typeof any['bytesValue'] === 'string') return any['bytesValue'];
  return null;
}

/** Converts a list of `KeyValue`s into an object; keys such as `__proto__` stay plain own keys. */
export function plainObjectOf(values: unknown, depth = 0): { [key: string]: PlainValue } {
  const out: { [key: string]: PlainValue } = {};
  if (!Array.isArray(values)) return out;
  for (const entry of values as OtlpKeyValue[]) {
    if (entry === null || typeof entry !== 'object' || typeof entry.key !== 'string') continue;
    Object.defineProperty(out, entry.key, {
      value: plainValueOf(entry.value, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function integerOf(raw: unknown): number | string {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
    const asNumber = Number(raw);
    return Number.isSafeInteger(asNumber) ? asNumber : raw;
  }
  return String(raw);
}

function doubleOf(raw: unknown): number | string {
  if (typeof raw === 'number') return raw;
  // proto3 JSON writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity".
  return String(raw);
}
