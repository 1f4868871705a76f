import { LogweaveConfigError } from '../core/config-error.ts';
import type { EnvEntry } from './env-table.ts';

/** The environment as logweave reads it: only `src/config` touches `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

const SIGNAL_PATH = '/v1/logs';

/**
 * The typed value of one variable, or undefined when it is unset or blank (the OTel spec: an
 * empty value means unset). Throws `LogweaveConfigError` (`env:NAME`) when the text cannot be
 * the kind the table says; ranges are the schema's business (see `read-environment.ts`).
 */
export function parseEnvValue(entry: EnvEntry, env: Environment): unknown {
  const raw = env[entry.name];
  if (raw === undefined) return undefined;
  if (entry.kind === 'raw') return raw === '' ? undefined : raw;
  const text = raw.trim();
  if (text === '') return undefined;
  const where = `env:${entry.name}`;
  const shown = entry.secret === true ? '(hidden)' : text;
  switch (entry.kind) {
    case 'string':
      return text;
    case 'name':
      return text.toLowerCase();
    case 'nameList':
      return parseNameList(text);
    case 'integer': {
      const value = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
        throw new LogweaveConfigError(where, 'an integer (decimal digits)', shown);
      }
      return value;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw new LogweaveConfigError(where, '"true" or "false"', shown);
    }
    case 'keyValueList':
      return parseKeyValueList(text, where, entry.secret === true);
    case 'url':
      return checkHttpUrl(text, where);
    case 'baseUrl':
      return `${checkHttpUrl(text, where).replace(/\/+$/, '')}${SIGNAL_PATH}`;
  }
}

/** `otlp, console` → `['otlp', 'console']`: trimmed, lower-cased, blanks and repeats dropped. */
function parseNameList(text: string): string[] | undefined {
  const names = new Set<string>();
  for (const part of text.split(',')) {
    const name = part.trim().toLowerCase();
    if (name !== '') names.add(name);
  }
  return names.size === 0 ? undefined : [...names];
}

/**
 * `key=value,key2=value2` as `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS` use it;
 * values are percent-decoded as the OTel spec says. A scan with `indexOf`, linear in the text.
 */
function parseKeyValueList(text: string, where: string, secret: boolean): Record<string, string> {
  const result: Record<string, string> = {};
  for (let start = 0; start <= text.length;) {
    const comma = text.indexOf(',', start);
    const end = comma === -1 ? text.length : comma;
    const entry = text.slice(start, end);
    start = end + 1;
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    // The key is shown even for secrets: it says which entry is wrong without revealing a value.
    const shown = secret ? `${entry.slice(0, Math.max(separator, 0)).trim()}=(hidden)` : entry;
    if (separator <= 0)
      throw new LogweaveConfigError(where, 'a comma-separated list of key=value pairs', shown);
    const key = entry.slice(0, separator).trim();
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(separator + 1).trim());
    } catch (error) {
      throw new LogweaveConfigError(where, 'percent-encoded values', shown, { cause: error });
    }
    // defineProperty keeps a key such as "__proto__" an ordinary own property.
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function checkHttpUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LogweaveConfigError(where, 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LogweaveConfigError(where, 'an absolute http(s) URL', value);
  }
  return value;
}
