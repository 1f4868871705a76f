import { passesLuhn } from './luhn.ts';

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

/**
 * Replaces the card numbers inside a run of digits (single spaces or hyphens allowed between
 * them). The run may hold more than a card (`4111 1111 1111 1111 2 items`, `qty 5 4111…`), so
 * every stretch of 13–19 digits that starts and ends at a group boundary is checked: it must
 * start with a card-network digit (2–6) and pass the Luhn check. Timestamps (start with 1),
 * longer numeric ids and most order numbers therefore stay readable.
 */
export function redactCardNumbers(
  run: string,
  replace: (card: string) => string,
  onRedacted: () => void,
): string {
  // Positions (in `run`) of each digit, and where groups start and end.
  const digitAt: number[] = [];
  const startsGroup: boolean[] = [];
  const endsGroup: boolean[] = [];
  for (let index = 0; index < run.length; index++) {
    const code = run.charCodeAt(index);
    if (code < 48 || code > 57) continue;
    startsGroup.push(index === 0 || !isDigit(run.charCodeAt(index - 1)));
    endsGroup.push(index === run.length - 1 || !isDigit(run.charCodeAt(index + 1)));
    digitAt.push(index);
  }
  const digits = digitAt.map((index) => run[index]).join('');
  let result = '';
  let copiedUpTo = 0;
  for (let first = 0; first + MIN_DIGITS <= digits.length; first++) {
    if (!startsGroup[first] || !'23456'.includes(digits[first] ?? '')) continue;
    const longest = Math.min(first + MAX_DIGITS, digits.length);
    for (let end = longest; end >= first + MIN_DIGITS; end--) {
      if (!endsGroup[end - 1] || !passesLuhn(digits.slice(first, end))) continue;
      const from = digitAt[first] ?? 0;
      const to = (digitAt[end - 1] ?? 0) + 1;
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
