/**
 * The Luhn checksum that every payment card number carries (so random 16-digit ids are not taken
 * for card numbers), for any stretch of a run of digits in constant time: `redactCardNumbers`
 * checks up to 7 stretches per digit, and summing each one anew cost 19 steps and a string apiece.
 */
export class LuhnSums {
  /** `[parity][i]`: the Luhn sum of digits 0..i-1, doubling the digits whose index has that parity. */
  readonly #sums: readonly [Uint32Array, Uint32Array];

  /** `digits` holds digit values (0–9). */
  constructor(digits: ArrayLike<number>) {
    const even = new Uint32Array(digits.length + 1);
    const odd = new Uint32Array(digits.length + 1);
    for (let index = 0; index < digits.length; index++) {
      const digit = digits[index] ?? 0;
      const doubled = digit > 4 ? digit * 2 - 9 : digit * 2;
      even[index + 1] = (even[index] ?? 0) + (index % 2 === 0 ? doubled : digit);
      odd[index + 1] = (odd[index] ?? 0) + (index % 2 === 1 ? doubled : digit);
    }
    this.#sums = [even, odd];
  }

  /**
   * Whether digits `first`..`end - 1` pass the check. Counted from the last digit, every second
   * one is doubled: digit j is doubled when `end - 1 - j` is odd, i.e. when j's parity is `end`'s.
   */
  passes(first: number, end: number): boolean {
    const sums = this.#sums[end % 2 === 0 ? 0 : 1];
    return ((sums[end] ?? 0) - (sums[first] ?? 0)) % 10 === 0;
  }
}
