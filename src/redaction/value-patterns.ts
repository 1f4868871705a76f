import { redactCardNumbers } from './card-numbers.ts';
import { TEXT_FEATURE } from './text-features.ts';

/**
 * A secret recognised inside text. `secretGroup` is the capture group that holds the secret
 * (0: the whole match) and always ends the match, so `Bearer abc…` keeps its scheme and
 * `password=…` its key. `rewrite`, when present, decides what in the match is secret
 * (card numbers inside a run of digits).
 */
export interface ValuePattern {
  readonly name: string;
  readonly regex: RegExp;
  readonly secretGroup: number;
  /** `TEXT_FEATURE` bit a string must have for the pattern to be tried; 0: always tried. */
  readonly feature: number;
  readonly rewrite?: (match: string, replace: (secret: string) => string, onRedacted: () => void) => string;
}

// Every built-in pattern is linear-time on hostile input: bounded quantifiers, a fixed literal
// or a lookbehind at the start, no nested unbounded repetition (checked by the fuzz tests).

/** `Bearer <token68>` (RFC 6750) in any case; tokens shorter than 8 characters are left alone. */
export const BEARER_PATTERN: ValuePattern = {
  name: 'bearer',
  regex: /\b(bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi,
  secretGroup: 2,
  feature: TEXT_FEATURE.bearer,
};

/** A JWS/JWE compact serialisation: base64url JSON header `eyJ…` followed by 2 to 4 more parts. */
export const JWT_PATTERN: ValuePattern = {
  name: 'jwt',
  regex: /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}/g,
  secretGroup: 0,
  feature: TEXT_FEATURE.jwt,
};

/**
 * Card numbers: 13 to 19 digits, optionally grouped by spaces or hyphens, starting with a
 * card-network digit (2–6) and passing the Luhn check (see `redactCardNumbers`). The regex finds
 * runs of digits, either unbroken or in groups of at most 6 (cards are printed 4-4-4-4, 4-6-5…),
 * not inside a decimal number and not touching a letter or another hyphenated group, so the
 * digit groups of a UUID (8-4-4-4-12 hex) are never taken for a card; the run is then searched
 * for cards.
 */
export const CARD_NUMBER_PATTERN: ValuePattern = {
  name: 'card',
  regex: /(?<![A-Za-z0-9.]|[A-Za-z]-)(?:\d{13,}|\d{1,6}(?:[ -]\d{1,6})+)(?![A-Za-z0-9]|-[A-Za-z0-9])/g,
  secretGroup: 0,
  feature: TEXT_FEATURE.digits,
  rewrite: redactCardNumbers,
};

/**
 * An e-mail address, with every character RFC 5322 allows unquoted in the local part (opt-in:
 * addresses are personal data, not always secrets). The lookbehind
 * starts a match only where a local part can start, keeping the scan linear.
 */
export const EMAIL_PATTERN: ValuePattern = {
  name: 'email',
  regex:
    /(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z][A-Za-z0-9-]{1,62}/g,
  secretGroup: 0,
  feature: TEXT_FEATURE.at,
};

/**
 * `key=value`, `key: value` and `"key":"value"` inside text (query strings, form bodies, a
 * stringified JSON body) for every redacted key, so `?access_token=…` in a logged URL is caught.
 */
export function secretAssignmentPattern(keys: readonly string[]): ValuePattern {
  const alternatives = [...new Set(keys.map((key) => key.toLowerCase()))]
    .sort((left, right) => right.length - left.length)
    .map((key) =>
      key
        .split(/[-_.\s]+/)
        .filter((part) => part !== '')
        .map(escapeRegExp)
        .join('[-_.]?'),
    )
    .filter((source) => source !== '');
  return {
    name: 'assignment',
    regex: new RegExp(
      `(?<![A-Za-z0-9])((?:[A-Za-z0-9]{1,64}[-_.]){0,8}(?:${alternatives.join('|')})["']?\\s{0,8}[:=]\\s{0,8}["']?)` +
        `((?:(?:bearer|basic|digest|negotiate)\\s{1,8})?[^\\s"'&;,}]+)`,
      'gi',
    ),
    secretGroup: 2,
    feature: TEXT_FEATURE.assignment,
  };
}

/** A user-supplied pattern: the whole match is the secret. */
export function customPattern(source: string | RegExp, index: number): ValuePattern {
  const regex =
    typeof source === 'string'
      ? new RegExp(source, 'g')
      : // Sticky would only match at consecutive positions; global is what "every match" means.
        new RegExp(source.source, `${source.flags.replace(/[gy]/g, '')}g`);
  return { name: `custom[${index}]`, regex, secretGroup: 0, feature: 0 };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
