/*
 * An integer literal of 16 or more digits may be beyond 2^53. Only lines holding one pay for
 * the reviver (it runs for every value of the line).
 */
const LONG_INTEGER_LITERAL = /[:,[]\s*-?\d{16,}\s*[,}\]]/;
const INTEGER_SOURCE = /^-?\d+$/;

/** The reviver's third argument (JSON.parse source text access, Node 21+). */
interface ReviverContext {
  source?: string;
}

/**
 * `JSON.parse` that keeps every digit of integers written as JSON numbers beyond 2^53 (some
 * OTLP producers write `intValue` and `timeUnixNano` that way; the OTLP/JSON spec and the
 * Collector write strings): such a number becomes its decimal string, as the spec form would be.
 */
export function parseJsonLine(text: string): unknown {
  if (!LONG_INTEGER_LITERAL.test(text)) return JSON.parse(text);
  return JSON.parse(text, function revive(
    this: unknown,
    _key: string,
    value: unknown,
    context?: ReviverContext,
  ) {
    if (
      typeof value === 'number' &&
      !Number.isSafeInteger(value) &&
      INTEGER_SOURCE.test(context?.source ?? '')
    ) {
      return context?.source;
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}
