import { LogweaveConfigError } from '../core/config-error.ts';
import { parseEnvValue, type Environment } from './env-parsers.ts';
import { ENV_TABLE, type EnvEntry } from './env-table.ts';
import { optionsSchema, type SerializableOptions } from './options-schema.ts';
import { schemaAt } from './schema-at.ts';
import { validateWithSchema } from './validate-with-schema.ts';

/** W3C carriers a parent process left in the environment (see `contextToEnv()`). */
export interface InheritedContext {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  requestId?: string;
}

/** What the environment says, read once through `ENV_TABLE`. */
export interface EnvironmentSettings {
  /** Options in the shape of `createLogging()`'s, validated with the schema's bounds. */
  readonly options: SerializableOptions;
  readonly configPath: string | undefined;
  readonly configWatch: boolean | undefined;
  readonly inherited: InheritedContext | undefined;
  /** `OTEL_SDK_DISABLED=true`: the whole pipeline is a no-op. */
  readonly sdkDisabled: boolean;
  /** `OTEL_*` values that were ignored, one line each, for the diagnostic channel. */
  readonly warnings: readonly string[];
}

const PROCESS_PREFIX = 'process.';

/**
 * Reads every variable of `ENV_TABLE`. A `LOGWEAVE_*` value outside the schema's bounds is a
 * `LogweaveConfigError` at `env:NAME`, never a silent default. An `OTEL_*` value logweave cannot
 * use is ignored with a warning, as the OTel SDK configuration spec says, so that a platform-wide
 * setting never stops the process (the option then keeps its default or the next variable's value).
 */
export function readEnvironment(env: Environment): EnvironmentSettings {
  const options: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const entry of ENV_TABLE) {
    let value: unknown;
    try {
      value = parseEnvValue(entry, env);
      if (value === undefined) continue;
      if (!entry.path.startsWith(PROCESS_PREFIX)) value = checkedValue(entry, value, warnings);
    } catch (error) {
      if (!entry.name.startsWith('OTEL_') || !(error instanceof LogweaveConfigError)) throw error;
      warnings.push(`${error.message}; the variable is ignored, as the OTel SDK does`);
      continue;
    }
    if (value === undefined) continue;
    if (entry.path.startsWith(PROCESS_PREFIX)) {
      setAt(settings, entry.path.slice(PROCESS_PREFIX.length), value, entry);
      continue;
    }
    setAt(options, entry.path, value, entry);
  }
  const inherited = settings['inherited'] as InheritedContext | undefined;
  return {
    options: options as SerializableOptions,
    configPath: settings['configPath'] as string | undefined,
    configWatch: settings['configWatch'] as boolean | undefined,
    // A child continues its parent's trace only when the traceparent is there.
    inherited: inherited?.traceparent === undefined ? undefined : inherited,
    sdkDisabled: settings['sdkDisabled'] === true,
    warnings,
  };
}

/**
 * The value validated at its option path. A list is checked name by name: the SDK ignores the
 * names it does not know (`OTEL_LOGS_EXPORTER=otlp,zipkin` exports over OTLP) and says so.
 */
function checkedValue(entry: EnvEntry, value: unknown, warnings: string[]): unknown {
  const schema = schemaAt(optionsSchema, entry.path);
  const where = `env:${entry.name}`;
  if (entry.kind !== 'nameList' || !Array.isArray(value)) {
    return validateWithSchema(schema, value, where, { secret: entry.secret === true });
  }
  const known: string[] = [];
  for (const name of value as string[]) {
    try {
      known.push(validateWithSchema(schema, name, where) as string);
    } catch (error) {
      if (!(error instanceof LogweaveConfigError)) throw error;
      warnings.push(`${error.message}; "${name}" is ignored, as the OTel SDK does`);
    }
  }
  if (known.length === 0) return undefined;
  return known.length === 1 ? known[0] : known;
}

/** Sets `value` at a dotted path: the first variable present wins, `merge` lists combine per key. */
function setAt(target: Record<string, unknown>, path: string, value: unknown, entry: EnvEntry): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1) as string;
  const existing = node[last];
  if (existing === undefined) node[last] = value;
  else if (entry.merge === true) node[last] = { ...(existing as object), ...(value as object) };
}
