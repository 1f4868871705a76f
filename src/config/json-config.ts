import { MAX_CONFIG_TOKENS } from './config-limits.ts';
import { LogweaveConfigError } from '../core/config-error.ts';

/**
 * Parses a `.json` config file strictly as JSON (so a JSON syntax error reads as one), or throws
 * `LogweaveConfigError` naming `origin`. Duplicate keys are errors, as in YAML files: `JSON.parse`
 * would silently keep the last one, and a config whose second `"sampling"` quietly replaces the
 * first is a mistake worth reporting.
 */
export function parseJsonConfig(text: string, origin: string): unknown {
  const scan = scanJson(text);
  if (scan.tokens > MAX_CONFIG_TOKENS) {
    throw new LogweaveConfigError(
      origin,
      `at most ${MAX_CONFIG_TOKENS} JSON tokens (strings, numbers, literals and punctuation)`,
      `${scan.tokens} tokens`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'unparsable text';
    throw new LogweaveConfigError(origin, 'valid YAML or JSON', reason, { cause: error });
  }
  const { duplicate } = scan;
  if (duplicate !== undefined) {
    throw new LogweaveConfigError(
      [origin, ...duplicate.path].join('.'),
      'valid YAML or JSON',
      `Object keys must be unique at ${positionOf(text, duplicate.offset)} (first at ${positionOf(text, duplicate.firstOffset)})`,
    );
  }
  return document;
}

interface Container {
  /** Keys seen so far with their offsets; undefined for an array. */
  keys: Map<string, number> | undefined;
  /** The key or index under which this container sits in its parent. */
  segment: string;
  /** The latest key (objects) or the current index (arrays). */
  current: string;
  index: number;
}

interface JsonScan {
  tokens: number;
  duplicate?: { path: string[]; offset: number; firstOffset: number };
}

/** Longest key shown in an error path. */
const MAX_SEGMENT_LENGTH = 64;

/**
 * One pass over JSON text: counts tokens (stopping past the limit) and finds the first repeated
 * key of any object, with its path. Meaningful only for text `JSON.parse` accepts, which is
 * checked afterwards; on other text it still ends, in linear time.
 */
function scanJson(text: string): JsonScan {
  const open: Container[] = [];
  let tokens = 0;
  let duplicate: JsonScan['duplicate'];
  let expectingKey = false;
  let inLiteral = false;
  for (let index = 0; index < text.length && tokens <= MAX_CONFIG_TOKENS; index++) {
    const code = text.charCodeAt(index);
    const top = open.at(-1);
    const literalChar =
      !(code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) && !STRUCTURAL.has(code);
    if (literalChar && code !== 0x22) {
      // A number, true, false or null: one token per run of such characters.
      if (!inLiteral) tokens++;
      inLiteral = true;
      continue;
    }
    inLiteral = false;
    if (code === 0x22) {
      tokens++;
      const end = stringEnd(text, index);
      if (expectingKey && top?.keys !== undefined) {
        const key = decodeKey(text.slice(index, end + 1));
        const firstOffset = top.keys.get(key);
        if (firstOffset === undefined) top.keys.set(key, index);
        else if (duplicate === undefined) {
          const path = [...open.slice(1).map((container) => container.segment), key];
          duplicate = { path: path.map(shortened), offset: index, firstOffset };
        }
        top.current = key;
        expectingKey = false;
      }
      index = end;
      continue;
    }
    if (STRUCTURAL.has(code)) tokens++;
    if (code === 0x7b || code === 0x5b) {
      const segment = top === undefined ? '' : top.current;
      open.push({ keys: code === 0x7b ? new Map() : undefined, segment, current: '0', index: 0 });
      expectingKey = code === 0x7b;
    } else if (code === 0x7d || code === 0x5d) {
      open.pop();
    } else if (code === 0x2c && top !== undefined) {
      if (top.keys === undefined) top.current = String(++top.index);
      else expectingKey = true;
    }
  }
  return duplicate === undefined ? { tokens } : { tokens, duplicate };
}

/** `{ } [ ] , :` */
const STRUCTURAL: ReadonlySet<number> = new Set([0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a]);

/** Index of the quote that closes the string opened at `start` (or the last index). */
function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x5c) index++;
    else if (code === 0x22) return index;
  }
  return text.length - 1;
}

function decodeKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal; // invalid JSON: JSON.parse of the whole text reports it
  }
}

function shortened(segment: string): string {
  return segment.length > MAX_SEGMENT_LENGTH ? `${segment.slice(0, MAX_SEGMENT_LENGTH)}…` : segment;
}

/** 1-based line and column of `offset` (only for an error message: one pass to the offset). */
function positionOf(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}
