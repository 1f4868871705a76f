/** Median of a non-empty sample (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Linear-interpolated quantile (0..1) of a non-empty sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/**
 * Interquartile range relative to the median, in percent: how much two runs of the same case
 * disagree. Reported beside every median so a reader can tell a real gap from noise.
 */
export function relativeSpread(values: readonly number[]): number {
  const mid = median(values);
  if (mid === 0) return 0;
  return ((quantile(values, 0.75) - quantile(values, 0.25)) / mid) * 100;
}
