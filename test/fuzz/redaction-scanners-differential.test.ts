import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalKey, DEFAULT_REDACTED_KEYS } from '../../src/redaction/default-keys.ts';
import { redactCardNumbers } from '../../src/redaction/card-numbers.ts';
import { RedactionRules } from '../../src/redaction/redaction-rules.ts';
import { textFeatures, TEXT_FEATURE } from '../../src/redaction/text-features.ts';
import {
  CARD_NUMBER_PATTERN,
  JWT_PATTERN,
  secretAssignmentPattern,
} from '../../src/redaction/value-patterns.ts';
import {
  REFERENCE_BEARER,
  REFERENCE_CARD_RUN,
  REFERENCE_EMAIL,
  REFERENCE_JWT,
  referenceAssignment,
  referenceCutTail,
  referenceKeyRegex,
  referenceRedactCardNumbers,
  referenceReplace,
} from './redaction-reference.ts';
import { FUZZ_SEED } from './secret-corpus.ts';

/*
 * The scanners find exactly what the regexes they replaced found, on ordinary text made of the
 * pieces those regexes care about (digit groups, cards, UUIDs, JWT parts, auth schemes, keys in
 * every spelling, separators, quotes, Unicode spaces and case pairs): same secrets replaced, same
 * count. The hostile shapes, on which the regexes took seconds, are in redaction-linear-time.test.ts.
 */
const RUNS = 10_000;

// Two keys spelled with the same letters and separators at different places (`ab.cd`, `a.bcd`):
// `a.b.cd` is neither.
const EXTRA_KEYS = ['ssn', 'session.key', 'X-Weird_Key', 'пароль', 'clé', 'two  words', 'ab.cd', 'a.bcd'];
const KEYS = [...DEFAULT_REDACTED_KEYS, ...EXTRA_KEYS];

const DIGITS = [...'0123456789'];
const HEX = [...'0123456789abcdef'];
const BASE64URL = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_'];
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...DIGITS), minLength: min, maxLength: max });
const hex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });
const base64url = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: min, maxLength: max });

/** 13 to 19 digits starting with 2–6 whose last digit makes them pass the Luhn check. */
const luhnCard: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'23456'), digits(11, 17))
  .map(([first, rest]) => {
    const body = first + rest;
    let sum = 0;
    for (let index = 0; index < body.length; index++) {
      let digit = Number(body[body.length - 1 - index]);
      if (index % 2 === 0) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
    }
    return body + String((10 - (sum % 10)) % 10);
  });

const groupedCard = fc
  .tuple(luhnCard, fc.constantFrom(' ', '-'), fc.integer({ min: 3, max: 6 }))
  .map(([card, separator, size]) => (card.match(new RegExp(`\\d{1,${size}}`, 'g')) ?? []).join(separator));

const uuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));

const jwt = fc
  .tuple(base64url(2, 12), fc.array(base64url(0, 10), { minLength: 0, maxLength: 5 }))
  .map(([header, parts]) => [`eyJ${header}`, ...parts].join('.'));

/**
 * A key as text spells it: any case, its words joined by nothing, `-`, `_`, `.`, a space or two
 * separators, or its letters with separators anywhere; sometimes with a letter whose upper case is
 * ASCII but which a case-insensitive regex does not equate with it (`ſ`, `ı`, the Kelvin sign).
 */
const keySpelling = fc
  .tuple(
    fc.constantFrom(...KEYS, 'tokens', 'mytoken', 'secretary', 'apikeys'),
    fc.constantFrom('', '-', '_', '.', ' ', '--', '_-', 'anywhere'),
    fc.constantFrom('lower', 'upper', 'asIs', 'capitalised', 'lookalike'),
    fc.array(fc.constantFrom('', '', '', '-', '_', '.', '..'), { minLength: 24, maxLength: 24 }),
  )
  .map(([key, separator, casing, anywhere]) => {
    const words = key.split(/[-_.\s]+/);
    const spelled =
      separator === 'anywhere'
        ? [...words.join('')].map((letter, index) => (index === 0 ? '' : anywhere[index]) + letter).join('')
        : words.join(separator);
    if (casing === 'lower') return spelled.toLowerCase();
    if (casing === 'upper') return spelled.toUpperCase();
    if (casing === 'capitalised') return spelled.charAt(0).toUpperCase() + spelled.slice(1);
    if (casing === 'lookalike') return spelled.replace(/s/, 'ſ').replace(/i/, 'ı').replace(/k/, '\u212a');
    return spelled;
  });

const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: digits(1, 20) },
  { weight: 2, arbitrary: fc.oneof(luhnCard, groupedCard) },
  uuid,
  fc.tuple(digits(1, 4), digits(1, 4)).map(([whole, fraction]) => `${whole}.${fraction}`),
  {
    weight: 3,
    arbitrary: fc.constantFrom(' ', '-', '.', '_', '  ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff'),
  },
  fc.constantFrom('a', 'x', 'Z', 'e', 'y', 'J', 'ab', 'id', 'my_', 'db.', 'user-', 'q'),
  fc.constantFrom('eyJ', 'EYJ', 'eyj', 'Eyj'),
  base64url(1, 12),
  jwt,
  fc.constantFrom('bearer', 'Bearer', 'BEARER', 'basic', 'Basic', 'digest', 'negotiate', 'token', 'Token'),
  { weight: 3, arbitrary: keySpelling },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '=',
      ':',
      '"',
      "'",
      '&',
      ';',
      ',',
      '}',
      '{',
      '@',
      '!',
      '/',
      '+',
      '~',
      '?',
      '#',
      '==',
      '":"',
      ': ',
    ),
  },
  fc.constantFrom('a@b.co', 'user.name+tag@example.com', '@', '.com', 'x@y'),
  fc.constantFrom('é', 'ß', 'İ', 'ı', 'ſ', '\u212a', '😀', '\ud800', 'пароль', 'ПАРОЛЬ', 'clé', 'CLÉ'),
  fc.string({ maxLength: 6 }),
);

const ordinaryText = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));

const SPACES = ['', ' ', '  ', '\t', ' '.repeat(8), ' '.repeat(9)];
/** `key=value` and its near misses: every part optional or varied. */
const assignmentLike = fc
  .tuple(
    fc.constantFrom('', ' ', 'x', '_', '-', '.', 'my_', 'user.', '"', '?', '&', 'a', 'a.b.'),
    keySpelling,
    fc.constantFrom('', '"', "'", '""'),
    fc.constantFrom(...SPACES),
    fc.constantFrom('=', ':', '==', ':='),
    fc.constantFrom(...SPACES),
    fc.constantFrom('', '"', "'"),
    fc.constantFrom('', 'Bearer ', 'basic  ', 'bearer', 'Negotiate\t', `digest${' '.repeat(9)}`, 'BEARER '),
    fc.oneof(base64url(0, 12), fc.constantFrom('', 'a=b', 'x:y', 'é', 'eyJabcd.e.f')),
    fc.constantFrom('', ' ', '"', '&', ';', ',', '}', "'", '\n'),
  )
  .map((parts) => parts.join(''));

const textWithAssignments = fc
  .array(fc.oneof(piece, assignmentLike), { maxLength: 12 })
  .map((pieces) => pieces.join(''));

/** What a length limit may leave at the end: the beginning of a secret, or something close to one. */
const cutEnding = fc.oneof(
  fc.constantFrom('Bearer abc', 'bearer ', 'BEARER\tab+/~.==', 'xbearer abc', 'Bearer', 'bearer ab=c'),
  fc.constantFrom('eyJhbGciOi', 'EYJab.cd', 'x-eyJab', 'xeyJab', 'eyJ', 'ey'),
  fc.constantFrom(
    '4111 1111 11',
    '2345-',
    '23456',
    '234567',
    '1.234567',
    'x 2-3-4-5-6-7',
    '2--345678',
    '7234567 ',
  ),
  fc.constantFrom('234567--', '234567 -', '234 567- ', '2 3 4 5 6 7 '),
  fc.tuple(digits(1, 12), fc.constantFrom('', ' ', '-')).map(([run, end]) => run + end),
  piece,
);

/** Replaces a secret with a marker naming it, so outputs are equal only if the same secrets were found. */
const mark = (secret: string): string => `<${secret}>`;

function counted(redact: (onRedacted: () => void) => string): { text: string; count: number } {
  let count = 0;
  const text = redact(() => count++);
  return { text, count };
}

describe('the scanners find what the regexes they replaced found (fast-check, ordinary text)', () => {
  test(`${RUNS} texts: JWTs`, () => {
    fc.assert(
      fc.property(ordinaryText, (text) => {
        assert.deepEqual(
          counted((onRedacted) => JWT_PATTERN.redact(text, mark, onRedacted)),
          counted((onRedacted) => referenceReplace(text, REFERENCE_JWT, 0, mark, onRedacted)),
        );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test(`${RUNS} texts: card numbers (the runs of digits, and the cards inside them)`, () => {
    fc.assert(
      fc.property(ordinaryText, (text) => {
        assert.deepEqual(
          counted((onRedacted) => CARD_NUMBER_PATTERN.redact(text, mark, onRedacted)),
          counted((onRedacted) =>
            referenceReplace(text, REFERENCE_CARD_RUN, 0, mark, onRedacted, referenceRedactCardNumbers),
          ),
        );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test(`${RUNS} runs of digits: the cards inside (constant-time Luhn sums)`, () => {
    const run = fc
      .array(fc.oneof(digits(1, 8), luhnCard, groupedCard), { minLength: 1, maxLength: 8 })
      .chain((groups) =>
        fc
          .array(fc.constantFrom(' ', '-'), { minLength: groups.length, maxLength: groups.length })
          .map((separators) =>
            groups.map((group, index) => (index === 0 ? '' : separators[index]) + group).join(''),
          ),
      );
    fc.assert(
      fc.property(run, (digitsRun) => {
        assert.deepEqual(
          counted((onRedacted) => redactCardNumbers(digitsRun, mark, onRedacted)),
          counted((onRedacted) => referenceRedactCardNumbers(digitsRun, mark, onRedacted)),
        );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test(`${RUNS} texts: key=value for the default and configured keys`, () => {
    const pattern = secretAssignmentPattern(KEYS);
    const regex = referenceAssignment(KEYS);
    fc.assert(
      fc.property(textWithAssignments, (text) => {
        assert.deepEqual(
          counted((onRedacted) => pattern.redact(text, mark, onRedacted)),
          counted((onRedacted) => referenceReplace(text, regex, 2, mark, onRedacted)),
        );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test(`${RUNS} texts: what a length limit cut at a secret's beginning`, () => {
    const rules = new RedactionRules({});
    fc.assert(
      fc.property(ordinaryText, cutEnding, (head, ending) => {
        const text = head + ending;
        const expected = referenceCutTail(text);
        assert.deepEqual(
          counted((onRedacted) => rules.removeCutSecretTail(text, onRedacted)),
          { text: expected ?? text, count: expected === undefined ? 0 : 1 },
        );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test(`${RUNS} attribute keys: which are secret`, () => {
    const rules = new RedactionRules({ keys: EXTRA_KEYS });
    const regex = referenceKeyRegex([...new Set(KEYS.map(canonicalKey).filter((key) => key !== ''))]);
    const key = fc
      .tuple(
        fc.constantFrom('', 'user.', 'db_', 'x', 'http.request.header.'),
        fc.oneof(keySpelling, piece),
        fc.constantFrom('', 's', '_1', 'x'),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(key, (attributeKey) => {
        assert.equal(rules.isSecretKey(attributeKey), regex.test(canonicalKey(attributeKey)), attributeKey);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  test(`${RUNS} texts: every built-in pattern in turn, as a record's strings go through them`, () => {
    const rules = new RedactionRules({ keys: EXTRA_KEYS, redactEmails: true });
    const assignment = referenceAssignment(KEYS);
    const reference = (text: string, onRedacted: () => void): string => {
      const features = textFeatures(text);
      let result = text;
      const marker = (): string => '[REDACTED]';
      if ((features & TEXT_FEATURE.bearer) !== 0)
        result = referenceReplace(result, REFERENCE_BEARER, 2, marker, onRedacted);
      if ((features & TEXT_FEATURE.jwt) !== 0)
        result = referenceReplace(result, REFERENCE_JWT, 0, marker, onRedacted);
      if ((features & TEXT_FEATURE.digits) !== 0) {
        result = referenceReplace(
          result,
          REFERENCE_CARD_RUN,
          0,
          marker,
          onRedacted,
          referenceRedactCardNumbers,
        );
      }
      if ((features & TEXT_FEATURE.assignment) !== 0)
        result = referenceReplace(result, assignment, 2, marker, onRedacted);
      if ((features & TEXT_FEATURE.at) !== 0)
        result = referenceReplace(result, REFERENCE_EMAIL, 0, marker, onRedacted);
      return result;
    };
    fc.assert(
      fc.property(fc.oneof(ordinaryText, textWithAssignments), (text) => {
        assert.deepEqual(
          counted((onRedacted) => rules.redactText(text, onRedacted)),
          counted((onRedacted) => reference(text, onRedacted)),
        );
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });
});
