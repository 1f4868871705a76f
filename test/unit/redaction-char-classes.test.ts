import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  foldCase,
  isAlphanumeric,
  isAsciiLetter,
  isBase64UrlChar,
  isDigit,
  isDigitGroupSeparator,
  isKeySeparator,
  isQuote,
  isRegExpSpace,
  isWordChar,
} from '../../src/redaction/char-classes.ts';

/** Every UTF-16 code unit. */
const CODE_UNITS = Array.from({ length: 0x10000 }, (_, code) => code);

test('each character class of the scanners is exactly the regex class it replaced, on every code unit', () => {
  const classes: Array<[(code: number) => boolean, RegExp]> = [
    [isDigit, /^\d$/],
    [isAsciiLetter, /^[A-Za-z]$/],
    [isAlphanumeric, /^[A-Za-z0-9]$/],
    [isWordChar, /^\w$/],
    [isBase64UrlChar, /^[A-Za-z0-9_-]$/],
    [isDigitGroupSeparator, /^[ -]$/],
    [isKeySeparator, /^[-_.]$/],
    [isQuote, /^["']$/],
    [isRegExpSpace, /^\s$/],
  ];
  for (const [predicate, regex] of classes) {
    const differing = CODE_UNITS.filter((code) => predicate(code) !== regex.test(String.fromCharCode(code)));
    assert.deepEqual(differing, [], `${predicate.name} vs ${regex}`);
    assert.equal(predicate(Number.NaN), false, `${predicate.name}(NaN): past the end of a string`);
  }
});

test('foldCase equates two code units exactly when a case-insensitive regex without `u` does', () => {
  // ASCII letters and digits (every default key), and letters of non-English keys.
  const keyLetters = [...'abcdefghijklmnopqrstuvwxyz0123456789', ...'éßпаролькİıſ', '\u212a', 'ǅ'];
  for (const letter of keyLetters) {
    const escaped = letter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const regex = new RegExp(`^${escaped}$`, 'i');
    const folded = foldCase(letter.charCodeAt(0));
    const differing = CODE_UNITS.filter(
      (code) => (foldCase(code) === folded) !== regex.test(String.fromCharCode(code)),
    );
    assert.deepEqual(differing, [], `letter ${letter}`);
  }
});
