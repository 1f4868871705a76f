import {
  foldCase,
  hasWordAt,
  isAlphanumeric,
  isKeySeparator,
  isQuote,
  isRegExpSpace,
} from './char-classes.ts';
import type { FindMatch, TextMatch } from './text-match.ts';

/** Spaces allowed on either side of the `:` or `=`, and after an auth scheme. */
const MAX_SPACES = 8;
/** Auth schemes that stay part of the secret after `authorization=` (`Bearer abc…`). */
const AUTH_SCHEMES = ['bearer', 'basic', 'digest', 'negotiate'];

/** A node of the key trie, which holds the keys back to front (the scan reads leftwards from `=`). */
interface KeyNode {
  readonly children: Map<number, KeyNode>;
  /** Some key through this node may have a separator here (`api_key`: after reading `key`). */
  separatorMayFollow: boolean;
  /** The keys that end here, each as the depths at which it allows a separator. */
  readonly keys: Array<readonly number[]>;
}

/**
 * `key=value`, `key: value`, `"key":"value"` for every key in `keys` (in any case; the words of a key
 * joined by `-`, `_`, `.` or nothing: `api_key` also matches `API-KEY` and `apikey`): the value is
 * the secret, up to a space, quote, `&`, `;`, `,` or `}`, with an auth scheme in front kept in it.
 * The key must not continue a word (`mytoken=` is not `token=`); up to 8 spaces and one quote may
 * stand between key and `:`/`=`, and 8 spaces and a quote after it.
 *
 * It finds what the former regex `(?<![A-Za-z0-9])((?:[A-Za-z0-9]{1,64}[-_.]){0,8}(?:<keys>)["']?\s{0,8}[:=]\s{0,8}["']?)`
 * + `((?:(?:bearer|basic|digest|negotiate)\s{1,8})?[^\s"'&;,}]+)` did (the differential tests compare
 * them), but starts from each `:` or `=` and reads leftwards through a trie of the keys, at most as
 * far as the longest key, whatever the number of keys; a value is read once, and the scan goes on
 * after it. The regex tried every key and up to 8 words of prefix at every start position.
 */
export function secretAssignmentFinder(keys: readonly string[]): FindMatch {
  const root = keyTrie(keys);
  return (text, from) => {
    for (let at = from; at < text.length; at++) {
      const code = text.charCodeAt(at);
      if (code !== 58 && code !== 61) continue;
      const match = assignmentAt(text, at, from, root);
      if (match !== undefined) return match;
    }
    return undefined;
  };
}

/** The assignment whose `:` or `=` is at `operator`, with its key starting at or after `from`. */
function assignmentAt(text: string, operator: number, from: number, root: KeyNode): TextMatch | undefined {
  let keyEnd = operator;
  for (let spaces = 0; spaces < MAX_SPACES && isRegExpSpace(text.charCodeAt(keyEnd - 1)); spaces++) keyEnd--;
  let keyStart = isQuote(text.charCodeAt(keyEnd - 1)) ? keyStartBefore(text, keyEnd - 1, from, root) : -1;
  if (keyStart === -1) keyStart = keyStartBefore(text, keyEnd, from, root);
  if (keyStart === -1) return undefined;
  let secretStart = operator + 1;
  for (let spaces = 0; spaces < MAX_SPACES && isRegExpSpace(text.charCodeAt(secretStart)); spaces++) {
    secretStart++;
  }
  if (isQuote(text.charCodeAt(secretStart))) secretStart++;
  const valueStart = afterAuthScheme(text, secretStart);
  let end = valueStart;
  while (isValueChar(text.charCodeAt(end))) end++;
  return end === valueStart ? undefined : { start: keyStart, secretStart, end };
}

/**
 * Where a key that ends at `end` starts, reading leftwards; -1 when none does at or after
 * `from` without continuing a word. A separator is passed over only where some key allows one
 * (never two in a row: the words of a key are not empty), so the walk is one path in the trie.
 */
function keyStartBefore(text: string, end: number, from: number, root: KeyNode): number {
  let node = root;
  let position = end;
  let depth = 0;
  let separatorBefore = false;
  const separatorDepths: number[] = [];
  while (position > from) {
    const code = text.charCodeAt(position - 1);
    if (isKeySeparator(code)) {
      if (!node.separatorMayFollow || separatorBefore) return -1;
      separatorDepths.push(depth);
      separatorBefore = true;
      position--;
      continue;
    }
    const child = node.children.get(foldCase(code));
    if (child === undefined) return -1;
    node = child;
    depth++;
    position--;
    separatorBefore = false;
    if (node.keys.length > 0 && !isAlphanumeric(text.charCodeAt(position - 1))) {
      for (const allowed of node.keys) {
        if (separatorDepths.every((at) => allowed.includes(at))) return position;
      }
    }
  }
  return -1;
}

/** Past `bearer ` (or another scheme and 1 to 8 spaces) when a value follows it; else `start`. */
function afterAuthScheme(text: string, start: number): number {
  for (const scheme of AUTH_SCHEMES) {
    if (!hasWordAt(text, start, scheme)) continue;
    let position = start + scheme.length;
    let spaces = 0;
    while (spaces < MAX_SPACES && isRegExpSpace(text.charCodeAt(position))) {
      position++;
      spaces++;
    }
    return spaces > 0 && isValueChar(text.charCodeAt(position)) ? position : start;
  }
  return start;
}

/** `[^\s"'&;,}]`, and not past the end. */
function isValueChar(code: number): boolean {
  if (Number.isNaN(code) || isRegExpSpace(code)) return false;
  return code !== 34 && code !== 39 && code !== 38 && code !== 59 && code !== 44 && code !== 125;
}

/**
 * The keys as the former regex took them: lower case, split into words at `-`, `_`, `.` and
 * spaces, in a trie read from the last character (case-folded as a case-insensitive regex does).
 */
function keyTrie(keys: readonly string[]): KeyNode {
  const root = newNode();
  for (const key of new Set(keys.map((entry) => entry.toLowerCase()))) {
    const words = key.split(/[-_.\s]+/).filter((word) => word !== '');
    if (words.length === 0) continue;
    const joined = words.join('');
    // Depths (characters read from the end) at which a separator may stand.
    const separatorDepths: number[] = [];
    let depth = 0;
    for (let index = words.length - 1; index > 0; index--) {
      depth += (words[index] ?? '').length;
      separatorDepths.push(depth);
    }
    let node = root;
    for (let index = joined.length - 1; index >= 0; index--) {
      const code = foldCase(joined.charCodeAt(index));
      let child = node.children.get(code);
      if (child === undefined) {
        child = newNode();
        node.children.set(code, child);
      }
      node = child;
      if (separatorDepths.includes(joined.length - index)) node.separatorMayFollow = true;
    }
    node.keys.push(separatorDepths);
  }
  return root;
}

function newNode(): KeyNode {
  return { children: new Map(), separatorMayFollow: false, keys: [] };
}
