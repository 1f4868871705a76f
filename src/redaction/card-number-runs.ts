import { isAlphanumeric, isAsciiLetter, isDigit, isDigitGroupSeparator } from './char-classes.ts';
import type { TextMatch } from './text-match.ts';

const MIN_UNBROKEN = 13;
const MAX_GROUP = 6;

/**
 * The first run of digits at or after `from` that may hold card numbers (`redactCardNumbers` then
 * looks for them inside it): 13 or more digits unbroken, or groups of 1 to 6 digits joined by
 * single spaces or hyphens (cards are printed 4-4-4-4, 4-6-5…). The run does not continue a word,
 * a decimal number or a hyphenated group (`a-1234`), and does not run into a letter or into another
 * hyphenated group, so the digit groups of a UUID (8-4-4-4-12 hex) are never taken for a card.
 *
 * The same runs as `(?<![A-Za-z0-9.]|[A-Za-z]-)(?:\d{13,}|\d{1,6}(?:[ -]\d{1,6})+)(?![A-Za-z0-9]|-[A-Za-z0-9])`
 * (the differential tests compare them), in one pass: that regex re-read the rest of a chain of
 * groups from every group in it when the chain's end was refused (`1-1-1-…x`: seconds at 64 KiB).
 * Here a chain is read once: its possible ends are the ends of its groups, the longest acceptable
 * one wins (the regex backs off from the longest), and when none is acceptable no start inside the
 * chain has one either, so the scan goes on after the chain.
 */
export function findCardNumberRun(text: string, from: number): TextMatch | undefined {
  let position = from;
  for (;;) {
    let start = position;
    while (start < text.length && !isDigit(text.charCodeAt(start))) start++;
    if (start >= text.length) return undefined;
    let groupEnd = start + 1;
    while (isDigit(text.charCodeAt(groupEnd))) groupEnd++;
    position = groupEnd;
    if (!mayStartRun(text, start)) continue;
    const length = groupEnd - start;
    if (length >= MIN_UNBROKEN) {
      if (mayEndRun(text, groupEnd)) return { start, secretStart: start, end: groupEnd };
      continue;
    }
    if (length > MAX_GROUP) continue;
    let end = -1;
    let chainEnd = groupEnd;
    while (isDigitGroupSeparator(text.charCodeAt(chainEnd))) {
      let next = chainEnd + 1;
      while (next - chainEnd <= MAX_GROUP && isDigit(text.charCodeAt(next))) next++;
      // No digit, or more than 6 (read no further: that run is a start of its own), ends the chain.
      if (next === chainEnd + 1 || isDigit(text.charCodeAt(next))) break;
      chainEnd = next;
      if (mayEndRun(text, chainEnd)) end = chainEnd;
    }
    if (end !== -1) return { start, secretStart: start, end };
    // No start inside the chain has an acceptable end either.
    position = chainEnd;
  }
}

/** `(?<![A-Za-z0-9.]|[A-Za-z]-)`: not inside a word or number, not after `a-`. */
function mayStartRun(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  if (isAlphanumeric(before) || before === 46) return false;
  return !(before === 45 && isAsciiLetter(text.charCodeAt(index - 2)));
}

/** `(?![A-Za-z0-9]|-[A-Za-z0-9])`: not into a word, not into `-a`. */
function mayEndRun(text: string, index: number): boolean {
  const after = text.charCodeAt(index);
  if (isAlphanumeric(after)) return false;
  return !(after === 45 && isAlphanumeric(text.charCodeAt(index + 1)));
}
