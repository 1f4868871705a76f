import type { ResolvedOptions } from './resolve-options.ts';

/** What a printed secret becomes. */
export const HIDDEN = '[REDACTED]';

/**
 * The resolved options as they may be printed, logged or serialised: every value that can be a
 * credential is replaced by `[REDACTED]` (OTLP header values, the redaction hash key, a password
 * or query values in the endpoint URL), and code-only values are described rather than included.
 */
export type PrintableOptions = Omit<
  ResolvedOptions,
  'exporter' | 'diagnosticWriter' | 'meterProvider' | 'otlpHeaderProvider' | 'otlpTls'
> & {
  /** The exporter's name (a list joined with commas), or `custom (<class name>)` for an exporter instance. */
  readonly exporter: string;
  readonly meterProvider: boolean;
  /** Whether `otlp.headers` is a function (its values are never shown). */
  readonly otlpHeaderProvider: boolean;
};

export function printableOptions(resolved: ResolvedOptions): PrintableOptions {
  // The TLS material (a private key) and the header function's values are never printable.
  const {
    exporter,
    diagnosticWriter: _writer,
    meterProvider,
    otlpHeaderProvider,
    otlpTls: _tls,
    ...values
  } = resolved;
  // A copy: freezing must not freeze the caller's own option objects.
  const rest = structuredClone(values);
  const redaction = { ...rest.redaction };
  if (redaction.hashKey !== undefined) redaction.hashKey = HIDDEN;
  const printable: PrintableOptions = {
    ...rest,
    exporter:
      typeof exporter === 'string'
        ? exporter
        : Array.isArray(exporter)
          ? exporter.join(',')
          : `custom (${exporter.constructor.name})`,
    meterProvider: meterProvider !== undefined,
    otlpHeaderProvider: otlpHeaderProvider !== undefined,
    otlp: {
      ...rest.otlp,
      url: withoutCredentials(rest.otlp.url),
      headers: Object.fromEntries(Object.keys(rest.otlp.headers).map((name) => [name, HIDDEN])),
    },
    redaction,
    signalSecret: rest.signalSecret === undefined ? undefined : HIDDEN,
  };
  return deepFreeze(printable);
}

/** The URL with its password and query values hidden; the host and path stay readable. */
function withoutCredentials(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return HIDDEN;
  }
  if (url.password !== '') url.password = HIDDEN;
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, HIDDEN);
  return url.toString();
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const entry of Object.values(value)) deepFreeze(entry);
  }
  return value;
}
