import type { RedactionOptions } from '../config/redaction-options.ts';
import { canonicalKey, DEFAULT_REDACTED_KEYS } from './default-keys.ts';
import { createKeyedHasher, REDACTED_MARKER } from './keyed-hash.ts';
import { textFeatures } from './text-features.ts';
import {
  BEARER_PATTERN,
  CARD_NUMBER_PATTERN,
  customPattern,
  EMAIL_PATTERN,
  escapeRegExp,
  JWT_PATTERN,
  secretAssignmentPattern,
  type ValuePattern,
} from './value-patterns.ts';

/** Distinct keys remembered per pipeline; attribute names repeat, so the cache stays small. */
const KEY_CACHE_LIMIT = 2048;

/**
 * The redaction settings compiled once per pipeline: a suffix regex over canonical keys (with a
 * per-key cache, so the hot path is one Map lookup per attribute), a one-pass character scan
 * that tells which built-in patterns a string could match (usually none), one combined regex
 * for the custom patterns, and the replacement.
 */
export class RedactionRules {
  readonly #keyRegex: RegExp;
  readonly #keyCache = new Map<string, boolean>();
  readonly #builtIn: readonly ValuePattern[];
  readonly #custom: readonly ValuePattern[];
  readonly #mayHoldCustomSecret: (text: string) => boolean;
  readonly #replace: (secret: string) => string;
  readonly #cutTail: RegExp | undefined;

  constructor(options: RedactionOptions) {
    const keys = [...DEFAULT_REDACTED_KEYS, ...(options.keys ?? [])];
    const canonical = [...new Set(keys.map(canonicalKey).filter((key) => key !== ''))];
    this.#keyRegex = new RegExp(`(?:${canonical.map(escapeRegExp).join('|')})$`);
    const builtIn: ValuePattern[] = [];
    if (options.defaultPatterns !== false) {
      builtIn.push(BEARER_PATTERN, JWT_PATTERN, CARD_NUMBER_PATTERN, secretAssignmentPattern(keys));
    }
    if (options.redactEmails === true) builtIn.push(EMAIL_PATTERN);
    this.#builtIn = builtIn;
    this.#custom = (options.patterns ?? []).map((source, index) => customPattern(source, index));
    this.#cutTail = options.defaultPatterns === false ? undefined : CUT_SECRET_TAIL;
    this.#mayHoldCustomSecret = prefilterFor(this.#custom);
    const hash = options.mode === 'hash' ? createKeyedHasher(options.hashKey) : undefined;
    this.#replace = hash ?? (() => REDACTED_MARKER);
  }

  /** True when values under `key` are secrets (see `DEFAULT_REDACTED_KEYS` for the matching rule). */
  isSecretKey(key: string): boolean {
    let secret = this.#keyCache.get(key);
    if (secret === undefined) {
      secret = this.#keyRegex.test(canonicalKey(key));
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
    if (this.#cutTail === undefined) return text;
    const match = this.#cutTail.exec(text);
    if (match === null) return text;
    onRedacted();
    return text.slice(0, match.index + (match[1]?.length ?? 0));
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
          if ((features & pattern.feature) !== 0) result = this.#apply(pattern, result, onRedacted);
        }
      }
    }
    if (this.#custom.length > 0 && this.#mayHoldCustomSecret(result)) {
      for (const pattern of this.#custom) result = this.#apply(pattern, result, onRedacted);
    }
    return result;
  }

  #apply(pattern: ValuePattern, text: string, onRedacted: () => void): string {
    return text.replace(pattern.regex, (...args: unknown[]) => {
      const match = args[0] as string;
      if (pattern.rewrite !== undefined) return pattern.rewrite(match, this.#replace, onRedacted);
      const secret = pattern.secretGroup === 0 ? match : (args[pattern.secretGroup] as string | undefined);
      if (secret === undefined || secret === '') return match;
      onRedacted();
      // A secret group other than 0 always ends the match (see ValuePattern).
      const replaced = this.#replace(secret);
      return pattern.secretGroup === 0 ? replaced : match.slice(0, match.length - secret.length) + replaced;
    });
  }
}

/** `Bearer `, `Basic `… before a credential (group 1 keeps the scheme and one space). */
const AUTH_SCHEME = /^((?:bearer|basic|digest|negotiate|token)\s)\s*(?=\S)/i;

/**
 * The start of a bearer token, a JWT or a card number at the very end of a string; group 1 is
 * what stays (the scheme). Run only on strings a limit cut, so the `$` anchor keeps it cheap.
 */
const CUT_SECRET_TAIL =
  /(?:(\bbearer\s+)[A-Za-z0-9\-._~+/]*=*|\beyJ[A-Za-z0-9_.-]*|(?<![\d.])[2-6](?:[ -]?\d){5,}[ -]?)$/i;

/**
 * One regex that matches wherever any custom pattern could, so a string without secrets costs a
 * single scan instead of one per pattern. It is a superset (flags are merged), never a subset.
 */
function prefilterFor(patterns: readonly ValuePattern[]): (text: string) => boolean {
  if (patterns.length === 0) return () => false;
  const flags = [...new Set(patterns.flatMap((pattern) => [...pattern.regex.flags]))]
    .filter((flag) => 'imsu'.includes(flag))
    .join('');
  try {
    // Not global: `test` keeps no lastIndex state between calls.
    const combined = new RegExp(patterns.map((pattern) => `(?:${pattern.regex.source})`).join('|'), flags);
    return (text) => combined.test(text);
  } catch {
    // Custom patterns whose flags cannot be merged: run every pattern.
    return () => true;
  }
}
