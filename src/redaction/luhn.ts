/** Runs up to this many digits reuse one buffer: no allocation for the runs logs hold. */
const REUSED_DIGITS = 256;
const reused = new Int32Array(3 * REUSED_DIGITS + 2);

/**
 * The Luhn checksum that every payment card number carries (so random 16-digit ids are not taken
 * for card numbers), for any stretch of the digits of a string in constant time:
 * `redactCardNumbers` checks up to 7 stretches per digit, and summing each one anew cost 19 steps
 * and a string apiece. Valid until the next `LuhnSums.of` (the buffer is reused).
 */
export class LuhnSums {
  /** Digits in the string. */
  readonly length: number;
  /**
   * Each digit's index in the string (`[0, length)`), then for each parity the prefix sums
   * (`length + 1` each): the Luhn sum of digits `0..i-1`, doubling those whose index has it.
   */
  readonly #table: Int32Array;

  private constructor(length: number, table: Int32Array) {
    this.length = length;
    this.#table = table;
  }

  /** The sums over the ASCII digits of `text`, whatever stands between them. */
  static of(text: string): LuhnSums {
    let count = 0;
    for (let index = 0; index < text.length; index++) if (isDigit(text.charCodeAt(index))) count++;
    const table = count <= REUSED_DIGITS ? reused : new Int32Array(3 * count + 2);
    const even = count;
    const odd = 2 * count + 1;
    table[even] = 0;
    table[odd] = 0;
    let digit = 0;
    for (let index = 0; index < text.length; index++) {
      const value = text.charCodeAt(index) - 48;
      if (value < 0 || value > 9) continue;
      const doubled = value > 4 ? value * 2 - 9 : value * 2;
      table[digit] = index;
      table[even + digit + 1] = (table[even + digit] ?? 0) + (digit % 2 === 0 ? doubled : value);
      table[odd + digit + 1] = (table[odd + digit] ?? 0) + (digit % 2 === 1 ? doubled : value);
      digit++;
    }
    return new LuhnSums(count, table);
  }

  /** Where the `digit`-th digit stands in the string. */
  positionOf(digit: number): number {
    return this.#table[digit] ?? 0;
  }

  /**
   * Whether digits `first`..`end - 1` pass the check. Counted from the last digit, every second
   * one is doubled: digit j is doubled when `end - 1 - j` is odd, i.e. when j's parity is `end`'s.
   */
  passes(first: number, end: number): boolean {
    const sums = end % 2 === 0 ? this.length : 2 * this.length + 1;
    return ((this.#table[sums + end] ?? 0) - (this.#table[sums + first] ?? 0)) % 10 === 0;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
