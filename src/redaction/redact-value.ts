import type { AnyValue } from '@opentelemetry/api';
import type { RedactionRules } from './redaction-rules.ts';

/** What one walk over a record's values needs and reports. */
export interface RedactionWalk {
  readonly rules: RedactionRules | undefined;
  /** Applied to every string before the patterns (limit repairs); returns the same string when unchanged. */
  readonly fixString: (text: string) => string;
  /** Deepest level visited; deeper values are replaced by `"[Object]"`. */
  readonly maxDepth: number;
  /** Secrets replaced so far in this walk. */
  redacted: number;
}

/**
 * `value` with secrets replaced, at any depth: a map entry whose key is a secret key loses its
 * value whatever its type; strings go through the value patterns. Copy-on-write: when nothing
 * changes the same reference comes back, so a clean record costs no allocation.
 */
export function redactValue(value: AnyValue, walk: RedactionWalk, depth: number): AnyValue {
  if (typeof value === 'string') return redactString(value, walk);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (depth > walk.maxDepth) return '[Object]';
  if (Array.isArray(value)) {
    let copy: AnyValue[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index] as AnyValue;
      const redacted = redactValue(item, walk, depth + 1);
      if (redacted !== item) {
        copy ??= value.slice() as AnyValue[];
        copy[index] = redacted;
      }
    }
    return copy ?? value;
  }
  const map = value as Record<string, AnyValue>;
  let copy: Record<string, AnyValue> | undefined;
  for (const key of Object.keys(map)) {
    const entry = map[key] as AnyValue;
    const redacted = redactEntry(key, entry, walk, depth + 1);
    if (redacted !== entry) {
      copy ??= copyOwn(map);
      defineOwn(copy, key, redacted);
    }
  }
  return copy ?? map;
}

/** A top-level attribute or a map entry: the key decides first, then the value is walked. */
export function redactEntry(key: string, value: AnyValue, walk: RedactionWalk, depth: number): AnyValue {
  if (walk.rules !== undefined && value !== null && value !== undefined && walk.rules.isSecretKey(key)) {
    walk.redacted++;
    return walk.rules.replacement(secretText(value));
  }
  return redactValue(value, walk, depth);
}

function redactString(text: string, walk: RedactionWalk): string {
  const fixed = walk.fixString(text);
  if (walk.rules === undefined) return fixed;
  return walk.rules.redactText(fixed, () => walk.redacted++);
}

/** The text a keyed hash is computed over, for non-string secrets too. */
function secretText(value: AnyValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// defineProperty keeps keys such as "__proto__" ordinary own data properties.
function defineOwn(target: Record<string, AnyValue>, key: string, value: AnyValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function copyOwn(source: Record<string, AnyValue>): Record<string, AnyValue> {
  const copy: Record<string, AnyValue> = {};
  for (const key of Object.keys(source)) defineOwn(copy, key, source[key] as AnyValue);
  return copy;
}
