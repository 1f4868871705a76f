import {
  hasWordAt,
  isBase64UrlChar,
  isDigit,
  isDigitGroupSeparator,
  isRegExpSpace,
  isWordChar,
} from './char-classes.ts';

/** Digits a cut card number must still show for its beginning to be removed. */
const MIN_CUT_CARD_DIGITS = 6;

/**
 * For a string a length limit cut: where the beginning of a secret left at its very end starts,
 * which the patterns no longer recognise, or -1. What stays is `text.slice(0, result)`: a bearer
 * token keeps its scheme (`… Bearer `), a JWT (`eyJhbGciOi…`) and a card number (`4111 1111 11`,
 * 6 digits or more, starting with 2–6) go entirely.
 *
 * The same cut as `(?:(\bbearer\s+)[A-Za-z0-9\-._~+/]*=*|\beyJ[A-Za-z0-9_.-]*|(?<![\d.])[2-6](?:[ -]?\d){5,}[ -]?)$`
 * with the `i` flag (the differential tests compare them), found by reading leftwards from the
 * end once: that regex, not anchored at the start, tried every position and read to the end from
 * each (`2-2-2-…x`: seconds at 64 KiB).
 */
export function cutSecretTailStart(text: string): number {
  // A bearer tail starts left of the others, which can only lie inside its token.
  const bearer = bearerTokenTail(text);
  if (bearer !== -1) return bearer;
  const jwt = jwtTail(text);
  const card = cardNumberTail(text);
  if (jwt === -1 || card === -1) return Math.max(jwt, card);
  return Math.min(jwt, card);
}

/** `(\bbearer\s+)[A-Za-z0-9\-._~+/]*=*$`: where the token after the scheme starts, or -1. */
function bearerTokenTail(text: string): number {
  let tokenStart = text.length;
  while (tokenStart > 0 && text.charCodeAt(tokenStart - 1) === 61) tokenStart--;
  while (tokenStart > 0 && isToken68Char(text.charCodeAt(tokenStart - 1))) tokenStart--;
  let schemeEnd = tokenStart;
  while (schemeEnd > 0 && isRegExpSpace(text.charCodeAt(schemeEnd - 1))) schemeEnd--;
  const schemeStart = schemeEnd - 6;
  if (schemeEnd === tokenStart || schemeStart < 0 || !hasWordAt(text, schemeStart, 'bearer')) return -1;
  return isWordChar(text.charCodeAt(schemeStart - 1)) ? -1 : tokenStart;
}

/** `\beyJ[A-Za-z0-9_.-]*$`, in any case: where the first such `eyJ` of the tail starts, or -1. */
function jwtTail(text: string): number {
  let runStart = text.length;
  while (runStart > 0 && isJwtTailChar(text.charCodeAt(runStart - 1))) runStart--;
  // Inside the run only `.` and `-` are not word characters: an `eyJ` after one is at a boundary.
  for (let index = runStart; index + 3 <= text.length; index++) {
    if (index === runStart || !isWordChar(text.charCodeAt(index - 1))) {
      if (hasWordAt(text, index, 'eyj')) return index;
    }
  }
  return -1;
}

/**
 * `(?<![\d.])[2-6](?:[ -]?\d){5,}[ -]?$`: where the first digit of the tail's digits (single spaces
 * or hyphens between them) that starts a number, is 2–6 and has 5 more digits after it, or -1.
 */
function cardNumberTail(text: string): number {
  let end = text.length;
  if (isDigitGroupSeparator(text.charCodeAt(end - 1))) end--;
  if (!isDigit(text.charCodeAt(end - 1))) return -1;
  let runStart = end;
  let digits = 0;
  while (runStart > 0) {
    const code = text.charCodeAt(runStart - 1);
    if (isDigit(code)) digits++;
    else if (!isDigitGroupSeparator(code) || runStart < 2 || !isDigit(text.charCodeAt(runStart - 2))) break;
    runStart--;
  }
  for (let index = runStart; index < end && digits >= MIN_CUT_CARD_DIGITS; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) continue;
    if (code >= 50 && code <= 54) {
      const before = index === 0 ? 32 : text.charCodeAt(index - 1);
      if (!isDigit(before) && before !== 46) return index;
    }
    digits--;
  }
  return -1;
}

/** `[A-Za-z0-9_.-]`: base64url and the `.` between a JWT's parts. */
function isJwtTailChar(code: number): boolean {
  return isBase64UrlChar(code) || code === 46;
}

/** `[A-Za-z0-9\-._~+/]`: the token68 alphabet of RFC 7235, without its `=` padding. */
function isToken68Char(code: number): boolean {
  return isBase64UrlChar(code) || code === 46 || code === 126 || code === 43 || code === 47;
}
