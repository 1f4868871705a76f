/** Where a scanner found a secret: `text.slice(start, end)` is the match, its end the secret's. */
export interface TextMatch {
  readonly start: number;
  /** Where the secret begins (`start` when the whole match is secret; later after `Bearer `, `password=`). */
  readonly secretStart: number;
  readonly end: number;
}

/** The first match at or after `from`, or undefined. Returned matches never end before `from` + 1. */
export type FindMatch = (text: string, from: number) => TextMatch | undefined;

/**
 * `text` with the secret of every match `find` reports replaced, scanning on from each match's end
 * as a global regex does; the same string when there is none. With `rewrite`, the whole match is
 * handed to it instead, and it decides what in it is secret.
 */
export function replaceMatches(
  text: string,
  find: FindMatch,
  replace: (secret: string) => string,
  onRedacted: () => void,
  rewrite?: (match: string, replace: (secret: string) => string, onRedacted: () => void) => string,
): string {
  let result = '';
  let copiedUpTo = 0;
  for (let match = find(text, 0); match !== undefined; match = find(text, match.end)) {
    if (rewrite !== undefined) {
      const found = text.slice(match.start, match.end);
      const rewritten = rewrite(found, replace, onRedacted);
      if (rewritten === found) continue;
      result += text.slice(copiedUpTo, match.start) + rewritten;
    } else {
      onRedacted();
      result += text.slice(copiedUpTo, match.secretStart) + replace(text.slice(match.secretStart, match.end));
    }
    copiedUpTo = match.end;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}
