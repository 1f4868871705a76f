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
}

const PROCESS_PREFIX = 'process.';

/**
 * Reads every variable of `ENV_TABLE`. A value outside the schema's bounds is a
 * `LogweaveConfigError` at `env:NAME`, never a silent default.
 */
export function readEnvironment(env: Environment): EnvironmentSettings {
  const options: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const entry of ENV_TABLE) {
    const value = parseEnvValue(entry, env);
    if (value === undefined) continue;
    if (entry.path.startsWith(PROCESS_PREFIX)) {
      setAt(settings, entry.path.slice(PROCESS_PREFIX.length), value, entry);
      continue;
    }
    setAt(options, entry.path, checkedValue(entry, value), entry);
  }
  const inherited = settings['inherited'] as InheritedContext | undefined;
  return {
    options: options as SerializableOptions,
    configPath: settings['configPath'] as string | undefined,
    configWatch: settings['configWatch'] as boolean | undefined,
    // A child continues its parent's trace only when the traceparent is there.
    inherited: inherited?.traceparent === undefined ? undefined : inherited,
  };
}

function checkedValue(entry: EnvEntry, value: unknown): unknown {
  return validateWithSchema(schemaAt(optionsSchema, entry.path), value, `env:${entry.name}`, {
    secret: entry.secret === true,
  });
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
