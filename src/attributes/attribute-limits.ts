import { DEFAULTS } from '../core/defaults.ts';

/**
 * Bounds applied while turning caller values into OTel values, derived from the `limits`
 * options (see `LimitOptions` for each one's meaning and default).
 */
export interface NormalizeLimits {
  /** Longest string value, in UTF-16 code units (OTel "characters"). */
  readonly valueLength: number;
  readonly maxDepth: number;
  readonly maxCollectionEntries: number;
  readonly maxTotalValues: number;
  readonly maxTotalChars: number;
}

/** The limits a `limits` section (with defaults applied where it is silent) sets for normalisation. */
export function normalizeLimitsOf(limits: {
  readonly attributeValueLengthLimit?: number;
  readonly maxDepth?: number;
  readonly maxCollectionEntries?: number;
  readonly maxTotalValues?: number;
  readonly maxTotalChars?: number;
}): NormalizeLimits {
  return {
    valueLength: limits.attributeValueLengthLimit ?? DEFAULTS.limits.attributeValueLengthLimit,
    maxDepth: limits.maxDepth ?? DEFAULTS.limits.maxDepth,
    maxCollectionEntries: limits.maxCollectionEntries ?? DEFAULTS.limits.maxCollectionEntries,
    maxTotalValues: limits.maxTotalValues ?? DEFAULTS.limits.maxTotalValues,
    maxTotalChars: limits.maxTotalChars ?? DEFAULTS.limits.maxTotalChars,
  };
}

export const DEFAULT_NORMALIZE_LIMITS: NormalizeLimits = normalizeLimitsOf({});
