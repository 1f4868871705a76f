import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { MAX_CONFIG_BYTES, MAX_CONFIG_NESTING } from './config-limits.ts';
import { parseJsonConfig } from './json-config.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import { optionsSchema, type SerializableOptions } from './options-schema.ts';
import { validateWithSchema } from './validate-with-schema.ts';
import { parseYamlConfig } from './yaml-config.ts';

export { MAX_CONFIG_BYTES } from './config-limits.ts';

/**
 * Reads at most MAX_CONFIG_BYTES + 1 bytes, so a huge file (or /dev/zero) is never slurped;
 * undefined when the file is larger than MAX_CONFIG_BYTES.
 */
function readBounded(path: string): string | undefined {
  const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
  const descriptor = openSync(path, 'r');
  try {
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return length > MAX_CONFIG_BYTES ? undefined : buffer.toString('utf8', 0, length);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Whether `[`/`{` nest deeper than MAX_CONFIG_NESTING anywhere in `text`. Every bracket counts,
 * also inside strings and comments, so no quoting trick can hide nesting from the check. A cheap
 * pass before any parsing; YAML's block nesting (indentation, `- - -`) is bounded while parsing,
 * by the parser's own depth (yaml-config.ts).
 */
function nestsTooDeep(text: string): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 91 || code === 123) {
      if (++depth > MAX_CONFIG_NESTING) return true;
    } else if ((code === 93 || code === 125) && depth > 0) depth--;
  }
  return false;
}

/**
 * Reads and validates a YAML or JSON config file (`.json` files are parsed strictly as JSON so a
 * JSON syntax error reads as one). Time is linear in the file's size, and every limit
 * (config-limits.ts) is checked before the parser holds more than the limit allows.
 * Throws `LogweaveConfigError` with the file name in the path; never returns partial data.
 */
export function loadConfigFile(path: string): SerializableOptions {
  return parseConfigText(readConfigText(path), path);
}

/**
 * The text of a config file, read with a bound (MAX_CONFIG_BYTES) so a huge file is never
 * slurped. Throws `LogweaveConfigError` for an unreadable or too large file. Used at start-up
 * and by every reload.
 */
export function readConfigText(path: string): string {
  let text: string | undefined;
  try {
    text = readBounded(path);
  } catch (error) {
    throw new LogweaveConfigError(
      `config:${path}`,
      'a readable YAML or JSON file',
      (error as Error).message,
      {
        cause: error,
      },
    );
  }
  if (text === undefined) {
    throw new LogweaveConfigError(
      `config:${path}`,
      `a file of at most ${MAX_CONFIG_BYTES} bytes`,
      'a larger file',
    );
  }
  return text;
}

/** Parses config text; `origin` names it in errors. Exposed for reloads and `logweave check-config`. */
export function parseConfigText(text: string, origin: string): SerializableOptions {
  // Checked before parsing: the YAML parser's memory grows with nesting (5 MB of "[" exhausts
  // the heap, which no try/catch can survive), and a config file is a few KiB.
  if (text.length > MAX_CONFIG_BYTES) {
    throw new LogweaveConfigError(
      origin,
      `a file of at most ${MAX_CONFIG_BYTES} bytes`,
      `${text.length} characters`,
    );
  }
  if (nestsTooDeep(text)) {
    throw new LogweaveConfigError(
      origin,
      `at most ${MAX_CONFIG_NESTING} nested [ ] or { }`,
      'deeper nesting',
    );
  }
  const document =
    extname(origin).toLowerCase() === '.json' ? parseJsonConfig(text, origin) : parseYamlConfig(text, origin);
  if (document === null || document === undefined) return {};
  return validateWithSchema(optionsSchema, document, origin);
}
