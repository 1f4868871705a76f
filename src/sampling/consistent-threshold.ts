/**
 * Consistent probability sampling as OpenTelemetry specifies it (TraceState: Probability
 * Sampling): a keep-probability p becomes a 56-bit rejection threshold T = (1 - p) · 2^56, and an
 * item whose 56-bit randomness R (the rightmost 7 bytes of the trace id, or the explicit `rv`)
 * satisfies R >= T is kept. Because T only grows as p shrinks, p/2 keeps a subset of p.
 *
 * 56-bit values do not fit a double exactly, so they are carried as two 28-bit halves
 * (`hi`, `lo`); comparing two halves is as cheap as comparing one number.
 */

/** Significant hex digits of a threshold; the spec recommends 4 for SDKs (the Collector's default too). */
export const THRESHOLD_PRECISION = 4;

const TWO_POW_56 = 1n << 56n;
const LOW_28_MASK = (1n << 28n) - 1n;
/** Hex digits of a 56-bit threshold. */
const MAX_DIGITS = 14;

/** A compiled keep-probability. */
export interface Threshold {
  /** High and low 28 bits of the 56-bit rejection threshold. */
  readonly hi: number;
  readonly lo: number;
  /** The `th` encoding: hex digits, trailing zeros removed (`"0"` keeps everything). */
  readonly tvalue: string;
  /** The probability the threshold really keeps after rounding: (2^56 - T) / 2^56. */
  readonly probability: number;
  /** 1 / probability: how many records each kept one stands for. */
  readonly adjustedCount: number;
}

/**
 * The threshold for keep-probability `probability` (2^-56 ≤ p ≤ 1) with `precision` significant
 * hex digits (1–14), computed as the Collector's `pkg/sampling` does (its
 * `ProbabilityToThresholdWithPrecision`, which the probabilistic sampler processor uses), so a
 * Collector configured with the same probability compares against the same threshold:
 *  - the precision is raised by one digit for every 4 leading zero bits of p (leading `f`s of
 *    the threshold) and likewise of 1 - p (leading `0`s), up to 14 digits;
 *  - T = 2^56 - round(p · 2^56) exactly, then rounded half-up at the last kept digit.
 * So 0.1 → `e666`, 0.01 → `fd70a`, 0.5 → `8`, 0.99 → `028f6`, 1 → `0`.
 *
 * Where this departs from the specification (TraceState: Probability Sampling, "Algorithms →
 * Converting floating-point probability to threshold value"): its Python reference raises the
 * precision only for p near 0 ("there is not a symmetrical adjustment made for values near unit
 * probability"), stops at 12 digits and rounds 2 - p in a double. For p > 0.5 within 2^-4 of 1
 * the reference gives fewer digits (0.99 → `028f`), and below about 2^-40 it cannot reach the
 * 13th and 14th digit. Interoperating with the Collector is the point of the threshold, so the
 * Collector's answer is the one taken; test/fixtures/collector-thresholds.json holds its output.
 */
export function probabilityToThreshold(probability: number, precision = THRESHOLD_PRECISION): Threshold {
  if (!(probability >= 2 ** -56 && probability <= 1)) {
    throw new RangeError(`a sampling probability must be within [2^-56, 1], got ${probability}`);
  }
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DIGITS) {
    throw new RangeError(`a threshold precision must be an integer within [1, 14], got ${precision}`);
  }
  if (probability === 1) return thresholdFromUnsigned(0n);
  // 1 - p is exact for p ≥ 0.5 (Sterbenz) and ≥ 0.5 otherwise, where it adds no digit.
  const digits = Math.min(
    MAX_DIGITS,
    precision + Math.max(extraDigits(probability), extraDigits(1 - probability)),
  );
  // p · 2^56 only changes the exponent, so it is exact; Math.round is exact below 2^52 and a
  // no-op above (every double there is an integer). Positive halves round up, as Go's math.Round.
  let threshold = TWO_POW_56 - BigInt(Math.round(probability * 2 ** 56));
  const shift = BigInt(4 * (MAX_DIGITS - digits));
  if (shift > 0n) threshold = ((threshold + (1n << (shift - 1n))) >> shift) << shift;
  return thresholdFromUnsigned(threshold);
}

/** Digits added for a value's leading zero hex digits: its frexp exponent (≤ 0) over -4, truncated. */
function extraDigits(value: number): number {
  if (value === 0) return 0;
  // frexp's exponent is the IEEE exponent + 1; Go's integer division truncates toward zero.
  return Math.trunc((ieeeExponent(value) + 1) / -4) || 0;
}

function thresholdFromUnsigned(threshold: bigint): Threshold {
  const probability = Number(TWO_POW_56 - threshold) / Number(TWO_POW_56);
  return {
    hi: Number(threshold >> 28n),
    lo: Number(threshold & LOW_28_MASK),
    tvalue: threshold === 0n ? '0' : threshold.toString(16).padStart(MAX_DIGITS, '0').replace(/0+$/, ''),
    probability,
    adjustedCount: 1 / probability,
  };
}

/** Whether randomness (hi, lo) is kept by `threshold`: R >= T. */
export function keeps(threshold: Threshold, randomHi: number, randomLo: number): boolean {
  return randomHi > threshold.hi || (randomHi === threshold.hi && randomLo >= threshold.lo);
}

const float64 = new DataView(new ArrayBuffer(8));

function ieeeExponent(value: number): number {
  float64.setFloat64(0, value);
  const biased = (float64.getUint16(0) >> 4) & 0x7ff;
  // Subnormals cannot occur: the smallest accepted probability, 2^-56, is a normal double.
  return biased - 1023;
}

/**
 * Parses 7 hex digits of `text` from `offset` into a 28-bit number without allocating;
 * -1 when any of them is not a lowercase or uppercase hex digit.
 */
export function hex28(text: string, offset: number): number {
  let value = 0;
  for (let index = offset; index < offset + 7; index++) {
    const code = text.charCodeAt(index);
    let digit: number;
    if (code >= 48 && code <= 57) digit = code - 48;
    else if (code >= 97 && code <= 102) digit = code - 87;
    else if (code >= 65 && code <= 70) digit = code - 55;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** 56-bit randomness as the 14 hex digits the `rv` sub-key and `sampling.randomness` use. */
export function randomnessHex(hi: number, lo: number): string {
  return hi.toString(16).padStart(7, '0') + lo.toString(16).padStart(7, '0');
}
