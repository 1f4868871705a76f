import type { ThresholdRequest } from './threshold-oracle.ts';

/**
 * The probabilities the threshold differential asks the Collector about: every place where
 * rounding can go wrong, plus seeded random ones. Deterministic for a seed, so the vectors in
 * test/fixtures/collector-thresholds.json can be regenerated and compared.
 */
export function thresholdRequests(options: { randomCount: number; seed: number }): ThresholdRequest[] {
  const requests: ThresholdRequest[] = [];
  const add = (probability: number, precision = 4): void => {
    requests.push({ probability, precision });
  };
  // The specification's table (1-in-N at precision 3, 4 and 5) and the figures.
  for (const n of [1, 2, 3, 4, 5, 8, 10, 16, 100, 1000, 10_000, 100_000, 1_000_000]) {
    for (const precision of [3, 4, 5]) add(1 / n, precision);
  }
  for (const p of [0.5, 0.25, 0.1, 0.01, 0.001, 0.99, 0.999, 0.9999, 0.75, 0.9, 0.95, 1 / 3, 2 / 3]) add(p);
  // Near 1, where the threshold has leading zeros: 1 - 2^-e, 1 - k·2^-53, decimal nines.
  for (let e = 1; e <= 53; e++) add(1 - 2 ** -e);
  for (let k = 1; k <= 16; k++) add(1 - k * 2 ** -53);
  for (let nines = 1; nines <= 15; nines++) add(Number(`0.${'9'.repeat(nines)}`));
  // Powers of two and their neighbours, where the precision changes (2^-56 is the smallest valid).
  for (let e = 0; e <= 57; e++) {
    const power = 2 ** -e;
    for (const p of [power, nextUp(power), nextDown(power)]) if (p <= 1) add(p);
  }
  // Exact ties of the half-up rounding at every precision, and one ulp either side.
  const tieRandom = seeded(options.seed ^ 0x5bd1e995);
  for (let precision = 1; precision <= 13; precision++) {
    for (let index = 0; index < 8; index++) {
      const digits = 1 + Math.floor(tieRandom() * (16 ** precision - 1));
      // T = (digits + 1/2) · 16^(14 - precision): p = 1 - T / 2^56 is a double when it has few bits.
      const p = 1 - (digits + 0.5) * 16 ** -precision;
      if (p > 0) for (const q of [p, nextUp(p), nextDown(p)]) add(q, precision);
    }
  }
  // Common percentages (what people configure): 0.1 % steps and a few finer ones.
  for (let tenths = 1; tenths <= 1000; tenths += 7) add(tenths / 1000);
  for (const p of [0.0001, 0.00025, 0.0005, 0.005, 0.025, 0.05, 0.125, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8]) {
    add(p);
  }
  // Seeded random: uniform in (0, 1], log-uniform down to 2^-56, and 1 - log-uniform, at any precision.
  const random = seeded(options.seed);
  for (let index = 0; index < options.randomCount; index++) {
    const kind = index % 3;
    let p: number;
    if (kind === 0) p = 1 - random53(random);
    else if (kind === 1) p = 2 ** (-56 * random()) * (1 - random53(random) / 2);
    else p = 1 - 2 ** (-53 * random()) * (0.5 + random53(random) / 2);
    if (!(p >= 2 ** -56 && p <= 1)) p = 2 ** -56;
    add(p, index % 5 === 0 ? 1 + Math.floor(random() * 14) : 4);
  }
  return requests;
}

/** A double in [0, 1) with 53 random bits. */
function random53(random: () => number): number {
  return (Math.floor(random() * 2 ** 26) * 2 ** 27 + Math.floor(random() * 2 ** 27)) / 2 ** 53;
}

/** mulberry32: small, seeded, good enough to spread test inputs. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const bits = new DataView(new ArrayBuffer(8));

function nextUp(value: number): number {
  bits.setFloat64(0, value);
  bits.setBigUint64(0, bits.getBigUint64(0) + 1n);
  return bits.getFloat64(0);
}

function nextDown(value: number): number {
  bits.setFloat64(0, value);
  bits.setBigUint64(0, bits.getBigUint64(0) - 1n);
  return bits.getFloat64(0);
}
