/**
 * Thrown at construction time (and only then) when an option, an environment variable or a
 * config file holds a value logweave cannot use. Runtime faults never throw; they are counted
 * and reported through the rate-limited diagnostic instead.
 *
 * `path` names the bad field the way a user would write it (`sampling.modules.payments.info`,
 * `env:OTEL_BLRP_MAX_QUEUE_SIZE`, `logweave.yaml:sampling.default.info`).
 */
export class LogweaveConfigError extends Error {
  /** Stable machine-readable code, always `LOGWEAVE_ERR_CONFIG`. */
  readonly code = 'LOGWEAVE_ERR_CONFIG';
  /** Where the bad value was found. */
  readonly path: string;
  /** What a valid value looks like. */
  readonly expected: string;
  /** What was found instead, rendered for a human (truncated). */
  readonly received: string;

  /**
   * `options.rendered`: `received` is already rendered (the `received` of an error rebuilt from
   * another thread) and is kept as it is.
   */
  constructor(
    path: string,
    expected: string,
    received: unknown,
    options?: { cause?: unknown; rendered?: boolean },
  ) {
    const shown =
      options?.rendered === true && typeof received === 'string' ? received : describeReceived(received);
    super(
      `Invalid logweave configuration at ${path}: expected ${expected}, received ${shown}`,
      options !== undefined && 'cause' in options ? { cause: options.cause } : undefined,
    );
    this.name = 'LogweaveConfigError';
    this.path = path;
    this.expected = expected;
    this.received = shown;
  }
}

const MAX_SHOWN_LENGTH = 80;

function describeReceived(value: unknown): string {
  let shown: string;
  if (value === undefined) shown = 'nothing';
  else if (typeof value === 'string') shown = JSON.stringify(value);
  else {
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = Object.prototype.toString.call(value);
    }
  }
  return shown.length > MAX_SHOWN_LENGTH ? `${shown.slice(0, MAX_SHOWN_LENGTH)}…` : shown;
}
