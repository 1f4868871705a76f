/**
 * Keys that are dangerous in JavaScript objects: `__proto__` assigned with `=` replaces an
 * object's prototype (and the key vanishes), and a `constructor` own property makes the OTel SDK
 * reject a whole nested value as "not a plain object". They are kept under a bracketed name,
 * visibly, instead of being lost: `__proto__` → `[__proto__]`.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The key under which `key` is stored; the same key unless it is reserved. */
export function safeKey(key: string): string {
  return RESERVED_KEYS.has(key) ? `[${key}]` : key;
}
