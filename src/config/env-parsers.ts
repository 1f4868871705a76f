import { LogweaveConfigError } from './logweave-config-error.ts';

/** The environment as logweave reads it: only `src/config` touches `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** An unset or blank variable counts as absent, as the OTel spec asks. */
export function readString(env: Environment, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Reads a non-negative integer; anything else is a `LogweaveConfigError` naming the variable. */
export function readInteger(
  env: Environment,
  name: string,
  bounds: { min: number; max?: number },
): number | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < bounds.min || value > max) {
    throw new LogweaveConfigError(`env:${name}`, `an integer from ${bounds.min} to ${max}`, raw);
  }
  return value;
}

export function readBoolean(env: Environment, name: string): boolean | undefined {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new LogweaveConfigError(`env:${name}`, '"true" or "false"', raw);
}

/**
 * Parses the W3C-baggage-like `key=value,key2=value2` lists used by `OTEL_RESOURCE_ATTRIBUTES`
 * and `OTEL_EXPORTER_OTLP_HEADERS`; values are percent-decoded as the OTel spec says.
 */
export function readKeyValueList(env: Environment, name: string): Record<string, string> | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  const result: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    if (separator <= 0) {
      throw new LogweaveConfigError(`env:${name}`, 'a comma-separated list of key=value pairs', entry);
    }
    const key = entry.slice(0, separator).trim();
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(separator + 1).trim());
    } catch (error) {
      throw new LogweaveConfigError(`env:${name}`, 'percent-encoded values', entry, { cause: error });
    }
    // Object.defineProperty keeps a key such as "__proto__" an ordinary own property.
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}
