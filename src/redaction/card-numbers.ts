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
  // Each digit's value and position in `run`, and whether a group starts or ends at it.
  const count = countDigits(run);
  const values = new Uint8Array(count);
  const positions = new Uint32Array(count);
  const startsGroup = new Uint8Array(count);
  const endsGroup = new Uint8Array(count);
  let digit = 0;
  for (let index = 0; index < run.length; index++) {
    const value = run.charCodeAt(index) - 48;
    if (value < 0 || value > 9) continue;
    values[digit] = value;
    positions[digit] = index;
    startsGroup[digit] = index === 0 || !isDigit(run.charCodeAt(index - 1)) ? 1 : 0;
    endsGroup[digit] = isDigit(run.charCodeAt(index + 1)) ? 0 : 1;
    digit++;
  }
  const luhn = new LuhnSums(values);
  let result = '';
  let copiedUpTo = 0;
  for (let first = 0; first + MIN_DIGITS <= count; first++) {
    const leading = values[first] ?? 0;
    if (startsGroup[first] === 0 || leading < 2 || leading > 6) continue;
    const longest = Math.min(first + MAX_DIGITS, count);
    for (let end = longest; end >= first + MIN_DIGITS; end--) {
      if (endsGroup[end - 1] === 0 || !luhn.passes(first, end)) continue;
      const from = positions[first] ?? 0;
      const to = (positions[end - 1] ?? 0) + 1;
      onRedacted();
      result += run.slice(copiedUpTo, from) + replace(run.slice(from, to));
      copiedUpTo = to;
      first = end - 1;
      break;
    }
  }
  return copiedUpTo === 0 ? run : result + run.slice(copiedUpTo);
}

function countDigits(run: string): number {
  let count = 0;
  for (let index = 0; index < run.length; index++) if (isDigit(run.charCodeAt(index))) count++;
  return count;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
