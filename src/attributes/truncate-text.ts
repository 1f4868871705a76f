const encoder = new TextEncoder();

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The first `maxLength` UTF-16 code units of `text`, one fewer when the cut would split a
 * surrogate pair (an emoji is kept whole or dropped, never half-written).
 */
export function truncateUtf16(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const end = maxLength > 0 && isHighSurrogate(text.charCodeAt(maxLength - 1)) ? maxLength - 1 : maxLength;
  return text.slice(0, end);
}

/**
 * Repairs a string some other code cut at `limit` code units without care (the OTel SDK's
 * attribute truncation does): a trailing lone high surrogate is removed.
 */
export function repairSplitSurrogate(text: string, limit: number): string {
  return text.length === limit && limit > 0 && isHighSurrogate(text.charCodeAt(limit - 1))
    ? text.slice(0, limit - 1)
    : text;
}

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut on a character
 * boundary: never inside a UTF-8 sequence nor between the halves of a surrogate pair.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Every UTF-16 code unit encodes to at most 3 bytes, so short strings need no measuring.
  if (text.length * 3 <= maxBytes) return text;
  const buffer = new Uint8Array(maxBytes);
  // encodeInto writes only whole characters and reports how many code units it consumed.
  const { read } = encoder.encodeInto(text, buffer);
  return read >= text.length ? text : text.slice(0, read);
}
