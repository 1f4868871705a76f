import type { RedactionOptions } from '../config/redaction-options.ts';
import { canonicalKey, DEFAULT_REDACTED_KEYS } from './default-keys.ts';
import { cutSecretTailStart } from './cut-secret-tail.ts';
import { createKeyedHasher, REDACTED_MARKER } from './keyed-hash.ts';
import { textFeatures } from './text-features.ts';
import {
  BEARER_PATTERN,
  CARD_NUMBER_PATTERN,
  customRegExp,
  EMAIL_PATTERN,
  JWT_PATTERN,
  regexPattern,
  secretAssignmentPattern,
  type ValuePattern,
} from './value-patterns.ts';

/** Distinct keys remembered per pipeline; attribute names repeat, so the cache stays small. */
const KEY_CACHE_LIMIT = 2048;
/** Longer keys are not remembered, so the cache holds at most 2048 × 256 characters of keys. */
const CACHED_KEY_MAX_LENGTH = 256;

/**
 * The redaction settings compiled once per pipeline: the canonical secret keys (with a per-key
 * cache, so the hot path is one Map lookup per attribute), a one-pass character scan that tells
 * which built-in patterns a string could match (usually none), one combined regex for the custom
 * patterns, and the replacement. Everything but the custom patterns runs in time linear in the
 * string (see value-patterns.ts).
 */
export class RedactionRules {
  readonly #secretKeys: readonly string[];
  readonly #keyCache = new Map<string, boolean>();
  readonly #builtIn: readonly ValuePattern[];
  readonly #custom: readonly ValuePattern[];
  readonly #mayHoldCustomSecret: (text: string) => boolean;
  readonly #replace: (secret: string) => string;
  readonly #cutTail: boolean;

  constructor(options: RedactionOptions) {
    const keys = [...DEFAULT_REDACTED_KEYS, ...(options.keys ?? [])];
    this.#secretKeys = [...new Set(keys.map(canonicalKey).filter((key) => key !== ''))];
    const builtIn: ValuePattern[] = [];
    if (options.defaultPatterns !== false) {
      builtIn.push(BEARER_PATTERN, JWT_PATTERN, CARD_NUMBER_PATTERN, secretAssignmentPattern(keys));
    }
    if (options.redactEmails === true) builtIn.push(EMAIL_PATTERN);
    this.#builtIn = builtIn;
    const customRegExps = (options.patterns ?? []).map(customRegExp);
    this.#custom = customRegExps.map((regex, index) => regexPattern(`custom[${index}]`, regex, 0, 0));
    this.#cutTail = options.defaultPatterns !== false;
    this.#mayHoldCustomSecret = prefilterFor(customRegExps);
    const hash = options.mode === 'hash' ? createKeyedHasher(options.hashKey) : undefined;
    this.#replace = hash ?? (() => REDACTED_MARKER);
  }

  /** True when values under `key` are secrets (see `DEFAULT_REDACTED_KEYS` for the matching rule). */
  isSecretKey(key: string): boolean {
    let secret = this.#keyCache.get(key);
    if (secret === undefined) {
      // endsWith per key, not one `(?:k1|k2|…)$` regex: that one tried every key at every position.
      const canonical = canonicalKey(key);
      secret = this.#secretKeys.some((secretKey) => canonical.endsWith(secretKey));
      if (key.length > CACHED_KEY_MAX_LENGTH) return secret;
      if (this.#keyCache.size >= KEY_CACHE_LIMIT) this.#keyCache.clear();
      this.#keyCache.set(key, secret);
    }
    return secret;
  }

  /**
   * The replacement for a whole secret value (`[REDACTED]`, or its keyed hash). An HTTP auth
   * scheme stays readable (`Bearer [REDACTED…]`), and the hash covers the credential alone, so
   * a token hashes the same under `authorization` as inside a message.
   */
  replacement(secret: string): string {
    const scheme = AUTH_SCHEME.exec(secret);
    return scheme === null
      ? this.#replace(secret)
      : `${scheme[1]}${this.#replace(secret.slice(scheme[0].length))}`;
  }

  /**
   * For a string a length limit has just cut: removes a secret's beginning left at the end, which
   * the patterns no longer recognise (`Bearer abc`, `eyJhbGciOi…`, `4111 1111 11`).
   */
  removeCutSecretTail(text: string, onRedacted: () => void): string {
    if (!this.#cutTail) return text;
    const keep = cutSecretTailStart(text);
    if (keep === -1) return text;
    onRedacted();
    return text.slice(0, keep);
  }

  /**
   * `text` with every secret the patterns recognise replaced; the same string when there is none
   * (no allocation). `onRedacted` is called once per replaced secret.
   */
  redactText(text: string, onRedacted: () => void): string {
    let result = text;
    if (this.#builtIn.length > 0) {
      const features = textFeatures(text);
      if (features !== 0) {
        for (const pattern of this.#builtIn) {
          if ((features & pattern.feature) !== 0) result = pattern.redact(result, this.#replace, onRedacted);
        }
      }
    }
    if (this.#custom.length > 0 && this.#mayHoldCustomSecret(result)) {
      for (const pattern of this.#custom) result = pattern.redact(result, this.#replace, onRedacted);
    }
    return result;
  }
}

/**
 * `Bearer `, `Basic `… before a credential (group 1 keeps the scheme and one space). Linear: anchored,
 * so one attempt, whose `\s*` gives back one space at a time to a one-character lookahead.
 */
const AUTH_SCHEME = /^((?:bearer|basic|digest|negotiate|token)\s)\s*(?=\S)/i;

/**
 * One regex that matches wherever any custom pattern could, so a string without secrets costs a
 * single scan instead of one per pattern. It is a superset (flags are merged), never a subset.
 */
function prefilterFor(patterns: readonly RegExp[]): (text: string) => boolean {
  if (patterns.length === 0) return () => false;
  const flags = [...new Set(patterns.flatMap((pattern) => [...pattern.flags]))]
    .filter((flag) => 'imsu'.includes(flag))
    .join('');
  try {
    // Not global: `test` keeps no lastIndex state between calls.
    const combined = new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join('|'), flags);
    return (text) => combined.test(text);
  } catch {
    // Custom patterns whose flags cannot be merged: run every pattern.
    return () => true;
  }
}
