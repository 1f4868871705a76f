import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LogweaveConfigError } from './logweave-config-error.ts';
import { optionsSchema, type SerializableOptions } from './options-schema.ts';
import { validateWithSchema } from './validate-with-schema.ts';

/**
 * Reads and validates a YAML or JSON config file (JSON is YAML, so one parser serves both;
 * `.json` files are parsed strictly as JSON so a JSON syntax error reads as one).
 * Throws `LogweaveConfigError` with the file name in the path; never returns partial data.
 */
export function loadConfigFile(path: string): SerializableOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
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
  return parseConfigText(text, path);
}

/** Parses config text; `origin` names it in errors. Exposed for reloads and `logweave check-config`. */
export function parseConfigText(text: string, origin: string): SerializableOptions {
  let document: unknown;
  try {
    document =
      extname(origin).toLowerCase() === '.json'
        ? JSON.parse(text)
        : parseYaml(text, { prettyErrors: true, maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'unparsable text';
    throw new LogweaveConfigError(origin, 'valid YAML or JSON', reason, { cause: error });
  }
  if (document === null || document === undefined) return {};
  return validateWithSchema(optionsSchema, document, origin);
}
