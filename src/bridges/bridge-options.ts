import { z } from 'zod';
import { validateWithSchema } from '../config/validate-with-schema.ts';
import { DEFAULTS } from '../core/defaults.ts';

/** Options every log bridge (`logweave/pino`, `logweave/winston`) takes. */
export interface BridgeOptions {
  /**
   * The binding (pino `child({ module })`, winston `child({ module })` or `defaultMeta`) whose
   * value is the module: the instrumentation scope the sampling rules address. Default: `module`.
   */
  moduleKey?: string;
}

/** Options of `logweavePino(logging, options)`. */
export interface LogweavePinoOptions extends BridgeOptions {
  /** The module of lines from a pino logger without the `moduleKey` binding. Default: `pino`. */
  defaultModule?: string;
}

/** Options of `new LogweaveWinstonTransport({ logging, ...options })`. */
export interface LogweaveWinstonOptions extends BridgeOptions {
  /** The module of records without the `moduleKey` field. Default: `winston`. */
  defaultModule?: string;
}

/** A bridge's options after defaults. */
export interface ResolvedBridgeOptions {
  readonly moduleKey: string;
  readonly defaultModule: string;
}

const schema = z
  .object({
    moduleKey: z.string().min(1).optional(),
    defaultModule: z.string().min(1).optional(),
  })
  .strict();

/**
 * Validates a bridge's options once, when it is created: a bad value throws `LogweaveConfigError`
 * naming the field (`logweavePino.moduleKey`). `extraKeys` are the framework's own options that
 * reach the same object (winston's transport options) and are not checked here.
 */
export function resolveBridgeOptions(
  options: unknown,
  origin: string,
  defaultModule: string,
  extraKeys: readonly string[] = [],
): ResolvedBridgeOptions {
  const own =
    typeof options === 'object' && options !== null
      ? Object.fromEntries(Object.entries(options).filter(([key]) => !extraKeys.includes(key)))
      : options;
  const parsed = validateWithSchema(schema, own ?? {}, origin);
  return {
    moduleKey: parsed.moduleKey ?? DEFAULTS.bridges.moduleKey,
    defaultModule: parsed.defaultModule ?? defaultModule,
  };
}
