import { LuhnSums } from './luhn.ts';

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

/**
 * Replaces the card numbers inside a run of digits (single spaces or hyphens allowed between
 * them). The run may hold more than a card (`4111 1111 1111 1111 2 items`, `qty 5 4111…`), so
 * every stretch of 13–19 digits that starts and ends at a group boundary is checked: it must
 * start with a card-network digit (2–6) and pass the Luhn check. Timestamps (start with 1),
 * longer numeric ids and most order numbers therefore stay readable.
 *
 * Linear in the run: at most 7 stretches per digit, each checked in constant time (`LuhnSums`).
 */
export function redactCardNumbers(
  run: string,
  replace: (card: string) => string,
  onRedacted: () => void,
): string {
  const luhn = LuhnSums.of(run);
  const count = luhn.length;
  let result = '';
  let copiedUpTo = 0;
  for (let first = 0; first + MIN_DIGITS <= count; first++) {
    const from = luhn.positionOf(first);
    const leading = run.charCodeAt(from);
    // A card starts a group with a card-network digit (2–6).
    if (leading < 50 || leading > 54 || isDigit(run.charCodeAt(from - 1))) continue;
    const longest = Math.min(first + MAX_DIGITS, count);
    for (let end = longest; end >= first + MIN_DIGITS; end--) {
      const to = luhn.positionOf(end - 1) + 1;
      // …and ends one.
      if (isDigit(run.charCodeAt(to)) || !luhn.passes(first, end)) continue;
      onRedacted();
      result += run.slice(copiedUpTo, from) + replace(run.slice(from, to));
      copiedUpTo = to;
      first = end - 1;
      break;
    }
  }
  return copiedUpTo === 0 ? run : result + run.slice(copiedUpTo);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
