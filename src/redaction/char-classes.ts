/**
 * The character classes of the built-in scanners, each exactly the set the regex class it replaced
 * matched (the unit tests compare them over every UTF-16 code unit). They take a char code, and
 * NaN (`charCodeAt` past either end) is in none of them, so scanners need no bounds checks.
 */

/** `\d`. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `[A-Za-z]`. */
export function isAsciiLetter(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 97 && lower <= 122;
}

/** `[A-Za-z0-9]`. */
export function isAlphanumeric(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57);
}

/** `\w`, the characters `\b` separates from the rest: `[A-Za-z0-9_]`. */
export function isWordChar(code: number): boolean {
  return code === 95 || isAlphanumeric(code);
}

/** `[A-Za-z0-9_-]`: base64url, the alphabet of a JWT's parts. */
export function isBase64UrlChar(code: number): boolean {
  return code === 45 || isWordChar(code);
}

/** `-` and space, what may group the digits of a card number. */
export function isDigitGroupSeparator(code: number): boolean {
  return code === 32 || code === 45;
}

/** `-`, `_` and `.`, what may stand between the words of a key (`api-key`, `api_key`, `api.key`). */
export function isKeySeparator(code: number): boolean {
  return code === 45 || code === 95 || code === 46;
}

/** `"` and `'`. */
export function isQuote(code: number): boolean {
  return code === 34 || code === 39;
}

/** `\s`: ECMAScript WhiteSpace and LineTerminator. */
export function isRegExpSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/**
 * The code unit a case-insensitive regex without the `u` flag compares (ECMAScript Canonicalize):
 * the upper case, unless it is more than one unit or would map a non-ASCII unit to ASCII.
 */
export function foldCase(code: number): number {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const folded = upper.charCodeAt(0);
  return folded < 128 ? code : folded;
}

/** Whether `text` holds `word` (ASCII letters, lower case) at `index`, in any case. */
export function hasWordAt(text: string, index: number, word: string): boolean {
  for (let offset = 0; offset < word.length; offset++) {
    if ((text.charCodeAt(index + offset) | 0x20) !== word.charCodeAt(offset)) return false;
  }
  return true;
}
