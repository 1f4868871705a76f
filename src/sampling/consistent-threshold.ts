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
 * The threshold for keep-probability `probability` (2^-56 ≤ p ≤ 1), rounded to `precision`
 * significant hex digits the way the spec's reference algorithm does: the precision is raised by
 * one digit per leading `f`, 2 - p is rounded half-up at the last kept digit, and the mantissa of
 * that double gives the digits. So 0.1 → `e666`, 0.01 → `fd70a`, 0.5 → `8`, 1 → `0`.
 */
export function probabilityToThreshold(probability: number, precision = THRESHOLD_PRECISION): Threshold {
  if (!(probability >= 2 ** -56 && probability <= 1)) {
    throw new RangeError(`a sampling probability must be within [2^-56, 1], got ${probability}`);
  }
  if (probability === 1) return thresholdFromTValue('0');
  // Python's `exp // -4` floors; frexp's exponent is the IEEE exponent + 1.
  const exponent = ieeeExponent(probability) + 1;
  const digits = Math.max(1, Math.min(12, precision + Math.floor(exponent / -4)));
  const rejection = 2 - probability + 2 ** (-4 * digits - 1);
  const mantissa = rejection >= 2 ? 'fffffffffffff' : mantissaHex(rejection);
  const tvalue = mantissa.slice(0, digits).replace(/0+$/, '');
  return thresholdFromTValue(tvalue === '' ? '0' : tvalue);
}

function thresholdFromTValue(tvalue: string): Threshold {
  const threshold = BigInt(`0x${tvalue.padEnd(14, '0')}`);
  const probability = Number(TWO_POW_56 - threshold) / Number(TWO_POW_56);
  return {
    hi: Number(threshold >> 28n),
    lo: Number(threshold & LOW_28_MASK),
    tvalue: threshold === 0n ? '0' : tvalue.replace(/0+$/, ''),
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

/** The 52-bit mantissa of a double in [1, 2) as 13 hex digits. */
function mantissaHex(value: number): string {
  float64.setFloat64(0, value);
  const high = float64.getUint32(0) & 0xfffff;
  const low = float64.getUint32(4);
  return high.toString(16).padStart(5, '0') + low.toString(16).padStart(8, '0');
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
