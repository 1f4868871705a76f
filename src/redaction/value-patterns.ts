import { findCardNumberRun } from './card-number-runs.ts';
import { redactCardNumbers } from './card-numbers.ts';
import { findJwt } from './jwt-scanner.ts';
import { secretAssignmentFinder } from './secret-assignments.ts';
import { TEXT_FEATURE } from './text-features.ts';
import { replaceMatches } from './text-match.ts';

/**
 * A secret recognised inside text, and how to replace every one in a string. The built-in ones
 * keep what is not secret in a match readable: `Bearer abc…` keeps its scheme, `password=…` its key,
 * and a run of digits whatever in it is not a card number.
 */
export interface ValuePattern {
  readonly name: string;
  /** `TEXT_FEATURE` bit a string must have for the pattern to be tried; 0: always tried. */
  readonly feature: number;
  /** `text` with every secret replaced through `replace`, `onRedacted` called once per secret. */
  readonly redact: (text: string, replace: (secret: string) => string, onRedacted: () => void) => string;
}

/*
 * Every built-in pattern takes time linear in the string, whatever it holds (test/fuzz/
 * redaction-linear-time.test.ts holds them to it). V8's regex engine backtracks, and a regex that
 * fails at every start position after reading far from each is quadratic even with bounded
 * quantifiers, so the JWT, card-number and key=value patterns are one-pass scanners. The two that
 * stay regexes start only at a fixed word (bearer) or at the start of a run (e-mail), and read a
 * bounded distance or a run no other attempt reads.
 */

/**
 * `Bearer <token68>` (RFC 6750) in any case; tokens shorter than 8 characters are left alone.
 * Linear: an attempt starts only at the word `bearer`, and what it reads after it (spaces, then
 * token characters) is read by no other attempt.
 */
export const BEARER_PATTERN: ValuePattern = regexPattern(
  'bearer',
  /\b(bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi,
  2,
  TEXT_FEATURE.bearer,
);

/** A JWS/JWE compact serialisation: base64url JSON header `eyJ…` followed by 2 to 4 more parts (`findJwt`). */
export const JWT_PATTERN: ValuePattern = {
  name: 'jwt',
  feature: TEXT_FEATURE.jwt,
  redact: (text, replace, onRedacted) => replaceMatches(text, findJwt, replace, onRedacted),
};

/**
 * Card numbers: 13 to 19 digits, optionally grouped by spaces or hyphens, starting with a
 * card-network digit (2–6) and passing the Luhn check. `findCardNumberRun` finds the runs of digits
 * that may hold them (never the digit groups of a UUID), `redactCardNumbers` the cards inside.
 */
export const CARD_NUMBER_PATTERN: ValuePattern = {
  name: 'card',
  feature: TEXT_FEATURE.digits,
  redact: (text, replace, onRedacted) =>
    replaceMatches(text, findCardNumberRun, replace, onRedacted, redactCardNumbers),
};

/**
 * An e-mail address, with every character RFC 5322 allows unquoted in the local part (opt-in:
 * addresses are personal data, not always secrets). Linear: the lookbehind starts an attempt only
 * where a local part can start (so local parts of different attempts do not overlap), and an
 * attempt reads at most 64 + 1 + 9 × 64 characters, with bounded backtracking (labels cannot
 * contain the `.` that ends them).
 */
export const EMAIL_PATTERN: ValuePattern = regexPattern(
  'email',
  /(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z][A-Za-z0-9-]{1,62}/g,
  0,
  TEXT_FEATURE.at,
);

/**
 * `key=value`, `key: value` and `"key":"value"` inside text (query strings, form bodies, a
 * stringified JSON body) for every redacted key, so `?access_token=…` in a logged URL is caught
 * (`secretAssignmentFinder`).
 */
export function secretAssignmentPattern(keys: readonly string[]): ValuePattern {
  const find = secretAssignmentFinder(keys);
  return {
    name: 'assignment',
    feature: TEXT_FEATURE.assignment,
    redact: (text, replace, onRedacted) => replaceMatches(text, find, replace, onRedacted),
  };
}

/**
 * A user-supplied pattern as the global regex that finds every match; the whole match is the secret.
 * Its running time is the pattern's own (see `RedactionOptions.patterns`).
 */
export function customRegExp(source: string | RegExp): RegExp {
  return typeof source === 'string'
    ? new RegExp(source, 'g')
    : // Sticky would only match at consecutive positions; global is what "every match" means.
      new RegExp(source.source, `${source.flags.replace(/[gy]/g, '')}g`);
}

/**
 * The pattern of a global regex whose capture group `secretGroup` (0: the whole match) holds the
 * secret and ends the match, so what comes before it in the match stays.
 */
export function regexPattern(
  name: string,
  regex: RegExp,
  secretGroup: number,
  feature: number,
): ValuePattern {
  return {
    name,
    feature,
    redact: (text, replace, onRedacted) =>
      text.replace(regex, (...args: unknown[]) => {
        const match = args[0] as string;
        const secret = secretGroup === 0 ? match : (args[secretGroup] as string | undefined);
        if (secret === undefined || secret === '') return match;
        onRedacted();
        const replaced = replace(secret);
        return secretGroup === 0 ? replaced : match.slice(0, match.length - secret.length) + replaced;
      }),
  };
}
