import { isBase64UrlChar, isWordChar } from './char-classes.ts';
import type { TextMatch } from './text-match.ts';

const MIN_HEADER_TAIL = 4;
const MIN_MORE_PARTS = 2;
const MAX_MORE_PARTS = 4;

/**
 * The first JWS/JWE compact serialisation at or after `from`: `eyJ` at a word boundary, 4 or more
 * base64url characters, then 2 to 4 parts of `.` and base64url characters (as many as there are,
 * up to 4), as `/\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}/g` finds them.
 *
 * In one pass, unlike that regex: it tried every `eyJ` inside a run of base64url characters and
 * read to the end of the run each time (`eyJ-eyJ-…!` took seconds at 64 KiB). A later `eyJ` in
 * the same run has the same parts after the run and a shorter header, so when the first one fails
 * they all do, and the scan goes on after the run.
 */
export function findJwt(text: string, from: number): TextMatch | undefined {
  let start = text.indexOf('eyJ', from);
  while (start !== -1) {
    if (isWordChar(text.charCodeAt(start - 1))) {
      // Not at a word boundary; an `eyJ` after a `-` further on in this run may be.
      start = text.indexOf('eyJ', start + 3);
      continue;
    }
    let headerEnd = start + 3;
    while (isBase64UrlChar(text.charCodeAt(headerEnd))) headerEnd++;
    if (headerEnd - (start + 3) >= MIN_HEADER_TAIL) {
      let end = headerEnd;
      let parts = 0;
      while (parts < MAX_MORE_PARTS && text.charCodeAt(end) === 46) {
        end++;
        while (isBase64UrlChar(text.charCodeAt(end))) end++;
        parts++;
      }
      if (parts >= MIN_MORE_PARTS) return { start, secretStart: start, end };
    }
    start = text.indexOf('eyJ', headerEnd);
  }
  return undefined;
}
