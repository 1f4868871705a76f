import { isAlias, isMap, isScalar, isSeq, type ParsedNode } from 'yaml';

/** A key that repeats an earlier key of the same mapping. */
export interface DuplicateKey {
  /** Keys and indexes from the document's root to the repeated key, inclusive. */
  path: string[];
  /** Where the repeated key is, and where its first occurrence is (offsets into the text). */
  offset: number;
  firstOffset: number;
}

interface Visit {
  node: ParsedNode | null;
  parent: Visit | undefined;
  segment: string;
}

/** Longest key shown in an error path; a key may be any length. */
const MAX_SEGMENT_LENGTH = 64;

/**
 * The first repeated key (by position in the text) of any mapping in the document, with the same
 * equality as yaml's `uniqueKeys: true` (scalar keys by value, other keys by identity), in one pass
 * with one Map per mapping instead of yaml's comparison of every key with every earlier one.
 */
export function findDuplicateYamlKey(contents: ParsedNode | null): DuplicateKey | undefined {
  let first: { visit: Visit; key: string; offset: number; firstOffset: number } | undefined;
  const pending: Visit[] = [{ node: contents, parent: undefined, segment: '' }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { node } = visit;
    if (isMap(node)) {
      const seen = new Map<unknown, number>();
      for (const pair of node.items) {
        const key = pair.key as ParsedNode | null;
        // yaml compares scalar keys with ===, so NaN never repeats (a Map would say it does).
        if (isScalar(key) && !(typeof key.value === 'number' && Number.isNaN(key.value))) {
          const firstOffset = seen.get(key.value);
          if (firstOffset === undefined) seen.set(key.value, key.range[0]);
          else if (first === undefined || key.range[0] < first.offset) {
            first = { visit, key: segmentOf(key), offset: key.range[0], firstOffset };
          }
        }
        pending.push({ node: pair.value as ParsedNode | null, parent: visit, segment: segmentOf(key) });
        if (key !== null && !isScalar(key))
          pending.push({ node: key, parent: visit, segment: segmentOf(key) });
      }
    } else if (isSeq(node)) {
      // A flow pair in a sequence (`[a: 1]`) is composed as a one-pair mapping, never a bare pair.
      node.items.forEach((item, index) => {
        pending.push({ node: item as ParsedNode | null, parent: visit, segment: String(index) });
      });
    }
  }
  if (first === undefined) return undefined;
  const path = [first.key];
  for (let visit: Visit | undefined = first.visit; visit?.parent !== undefined; visit = visit.parent) {
    path.push(visit.segment);
  }
  return { path: path.reverse(), offset: first.offset, firstOffset: first.firstOffset };
}

function segmentOf(key: ParsedNode | null): string {
  let text: string;
  if (key === null) text = '';
  else if (isScalar(key)) text = String(key.value);
  else if (isAlias(key)) text = `*${key.source}`;
  else text = '(complex key)';
  return text.length > MAX_SEGMENT_LENGTH ? `${text.slice(0, MAX_SEGMENT_LENGTH)}…` : text;
}
