/**
 * Bounds applied while turning caller values into OTel values (see the README's "Limits").
 * Attribute count and value length come from `limits` / `OTEL_LOGRECORD_ATTRIBUTE_*`; the
 * others are fixed defaults stated here.
 */
export interface NormalizeLimits {
  /** Longest string value, in UTF-16 code units (OTel "characters"). Default: 8192. */
  readonly valueLength: number;
  /** Deepest nesting kept; deeper values become `"[Object]"`. Default: 8. */
  readonly maxDepth: number;
  /** Items kept per array, Set or Map/object; the rest is summarised by a marker. Default: 128. */
  readonly maxCollectionEntries: number;
  /** Values (of any kind, at any depth) converted per call; later ones become `"[Truncated]"`. Default: 2048. */
  readonly maxTotalValues: number;
  /** String characters converted per call; later strings are cut to what is left. Default: 262144. */
  readonly maxTotalChars: number;
}

export const DEFAULT_NORMALIZE_LIMITS: NormalizeLimits = {
  valueLength: 8192,
  maxDepth: 8,
  maxCollectionEntries: 128,
  maxTotalValues: 2048,
  maxTotalChars: 262_144,
};

/** Longest record body, in UTF-8 bytes; longer bodies are cut on a character boundary. Default: 65536. */
export const DEFAULT_MAX_BODY_BYTES = 65_536;
