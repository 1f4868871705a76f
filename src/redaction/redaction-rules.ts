import type { RedactionOptions } from '../config/redaction-options.ts';
import { canonicalKey, DEFAULT_REDACTED_KEYS } from './default-keys.ts';
import { createKeyedHasher, REDACTED_MARKER } from './keyed-hash.ts';
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
 * per-key cache, so the hot path is one Map lookup per attribute), one combined regex that
 * tells in a single pass whether a string can hold a secret at all, and the replacement.
 */
export class RedactionRules {
  readonly #keyRegex: RegExp;
  readonly #keyCache = new Map<string, boolean>();
  readonly #patterns: readonly ValuePattern[];
  readonly #mayHoldSecret: (text: string) => boolean;
  readonly #replace: (secret: string) => string;
  readonly #cutTail: RegExp | undefined;

  constructor(options: RedactionOptions) {
    const keys = [...DEFAULT_REDACTED_KEYS, ...(options.keys ?? [])];
    const canonical = [...new Set(keys.map(canonicalKey).filter((key) => key !== ''))];
    this.#keyRegex = new RegExp(`(?:${canonical.map(escapeRegExp).join('|')})$`);
    const patterns: ValuePattern[] = [];
    if (options.defaultPatterns !== false) {
      patterns.push(BEARER_PATTERN, JWT_PATTERN, CARD_NUMBER_PATTERN, secretAssignmentPattern(keys));
    }
    if (options.redactEmails === true) patterns.push(EMAIL_PATTERN);
    (options.patterns ?? []).forEach((source, index) => patterns.push(customPattern(source, index)));
    this.#patterns = patterns;
    this.#cutTail = options.defaultPatterns === false ? undefined : CUT_SECRET_TAIL;
    this.#mayHoldSecret = prefilterFor(patterns);
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

  /** The replacement for a whole secret value (`[REDACTED]`, or its keyed hash). */
  replacement(secret: string): string {
    return this.#replace(secret);
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
    if (!this.#mayHoldSecret(text)) return text;
    let result = text;
    for (const pattern of this.#patterns) {
      result = result.replace(pattern.regex, (...args: unknown[]) => {
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
    return result;
  }
}

/**
 * The start of a bearer token, a JWT or a card number at the very end of a string; group 1 is
 * what stays (the scheme). Run only on strings a limit cut, so the `$` anchor keeps it cheap.
 */
const CUT_SECRET_TAIL =
  /(?:(\bbearer\s+)[A-Za-z0-9\-._~+/]*=*|\beyJ[A-Za-z0-9_.-]*|(?<![\d.])[2-6](?:[ -]?\d){5,}[ -]?)$/i;

/**
 * One regex that matches wherever any pattern could, so a string without secrets costs a
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
