import { Composer, CST, Lexer, LineCounter, Parser, visit, type Document, type ParseOptions } from 'yaml';
import type { DocumentOptions, SchemaOptions } from 'yaml';
import { MAX_CONFIG_ALIASES, MAX_CONFIG_NESTING, MAX_CONFIG_TOKENS } from './config-limits.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import { findDuplicateYamlKey } from './yaml-duplicate-keys.ts';

/**
 * YAML 1.2 core schema whatever a `%YAML` directive says: no merge keys, and no `!!omap` / `!!set` /
 * `!!pairs` / `!!binary` / `!!timestamp` (known tags would resolve them; `!!omap` checks its keys
 * pairwise). Duplicate keys are found by `findDuplicateYamlKey` in one pass: the parser's own
 * `uniqueKeys` compares each key with every earlier one of its map (40,000 keys took 69 s).
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  merge: false,
  resolveKnownTags: false,
  uniqueKeys: false,
  prettyErrors: false,
};

/** Expands aliases at most this often per anchor (yaml's own bound on "billion laughs"). */
const MAX_ALIAS_EXPANSIONS = 100;

const COLLECTIONS: ReadonlySet<string> = new Set(['block-map', 'block-seq', 'flow-collection']);

interface Refusal {
  expected: string;
  offset: number;
}

/**
 * Parses YAML config text into plain data in time linear in its length, or throws
 * `LogweaveConfigError` naming `origin`. The token and nesting limits are enforced while the parser
 * runs, before it holds more than MAX_CONFIG_TOKENS tokens or MAX_CONFIG_NESTING levels, so a hostile
 * file costs what the limit allows, not what the file holds.
 */
export function parseYamlConfig(text: string, origin: string): unknown {
  const lineCounter = new LineCounter();
  const refusal: { found?: Refusal } = {};
  const composer = new Composer(YAML_OPTIONS);
  let document: Document.Parsed | undefined;
  let secondDocumentOffset: number | undefined;
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    // yaml builds an Error for every problem it meets and carries on; only the first is reported,
    // never with its stack, and capturing stacks made an error-dense file several times slower.
    Error.stackTraceLimit = 0;
    for (const composed of composer.compose(boundedTokens(text, lineCounter, refusal), true, text.length)) {
      if (document !== undefined) {
        secondDocumentOffset = composed.range[0];
        break;
      }
      document = composed;
    }
  } catch (error) {
    throw new LogweaveConfigError(origin, 'valid YAML or JSON', firstLine(error), { cause: error });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const at = (offset: number): string => describePosition(lineCounter, offset);
  if (refusal.found !== undefined) {
    throw new LogweaveConfigError(origin, refusal.found.expected, `more, at ${at(refusal.found.offset)}`);
  }
  if (document === undefined) return null;
  const [error] = document.errors;
  if (error !== undefined) {
    throw new LogweaveConfigError(origin, 'valid YAML or JSON', `${error.message} at ${at(error.pos[0])}`);
  }
  if (secondDocumentOffset !== undefined) {
    throw new LogweaveConfigError(
      origin,
      'a single YAML document',
      `a second document at ${at(secondDocumentOffset)}`,
    );
  }
  reportWarnings(document, origin, at);

  let aliases = 0;
  visit(document, {
    Alias: () => {
      aliases++;
    },
  });
  if (aliases > MAX_CONFIG_ALIASES) {
    throw new LogweaveConfigError(
      origin,
      `at most ${MAX_CONFIG_ALIASES} aliases (*name)`,
      `${aliases} aliases`,
    );
  }
  const duplicate = findDuplicateYamlKey(document.contents);
  if (duplicate !== undefined) {
    throw new LogweaveConfigError(
      [origin, ...duplicate.path].join('.'),
      'valid YAML or JSON',
      `Map keys must be unique at ${at(duplicate.offset)} (first at ${at(duplicate.firstOffset)})`,
    );
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    throw new LogweaveConfigError(origin, 'valid YAML or JSON', firstLine(error), { cause: error });
  }
}

/**
 * The parser's input, lexeme by lexeme (what `Parser.parse()` does), stopping as soon as the file
 * has more than MAX_CONFIG_TOKENS tokens or the parser holds more than MAX_CONFIG_NESTING nested
 * collections. The parser's own stack is the measure, so nesting cannot be hidden from the check
 * (indentation, compact `- - -`, flow brackets all count, quoted text does not).
 */
function* boundedTokens(
  text: string,
  lineCounter: LineCounter,
  refusal: { found?: Refusal },
): Generator<CST.Token, void> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  let tokens = 0;
  let scalarSource = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (scalarSource) {
      // The lexer announces a scalar with a marker lexeme, then yields its source: one token.
      scalarSource = false;
      tokens++;
    } else {
      const type = CST.tokenType(lexeme);
      if (type === 'scalar') scalarSource = true;
      else if (type !== 'space' && type !== 'doc-mode' && type !== 'flow-error-end') tokens++;
    }
    if (tokens > MAX_CONFIG_TOKENS) {
      refusal.found = {
        expected: `at most ${MAX_CONFIG_TOKENS} YAML tokens (keys, values, indicators, comments and line ends; a "key: value" line is 4)`,
        offset: parser.offset,
      };
      return;
    }
    yield* parser.next(lexeme);
    // The stack also holds the document and the scalar being read; count collections only when it
    // could be too deep, so the common case is one comparison.
    if (
      parser.stack.length > MAX_CONFIG_NESTING + 1 &&
      nestedCollections(parser.stack) > MAX_CONFIG_NESTING
    ) {
      refusal.found = {
        expected: `at most ${MAX_CONFIG_NESTING} nested mappings and sequences (by indentation, "- ", "? ", "[" or "{")`,
        offset: parser.offset,
      };
      return;
    }
  }
  yield* parser.end();
}

function nestedCollections(stack: readonly CST.Token[]): number {
  let count = 0;
  for (const token of stack) if (COLLECTIONS.has(token.type)) count++;
  return count;
}

/**
 * Emits the first warning (an unresolved tag, a flow end indented like its parent) once, naming
 * the file and how many more there are: one process warning per problem would let a file flood
 * stderr.
 */
function reportWarnings(document: Document.Parsed, origin: string, at: (offset: number) => string): void {
  const [warning] = document.warnings;
  if (warning === undefined) return;
  const more = document.warnings.length - 1;
  process.emitWarning(
    `${origin}: ${warning.message} at ${at(warning.pos[0])}${more > 0 ? ` (and ${more} more)` : ''}`,
    'LogweaveConfigWarning',
  );
}

function describePosition(lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `line ${line}, column ${col}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unparsable text';
}
