/**
 * The `redaction` section: secrets are removed before anything is buffered or exported, from
 * attributes (at any depth), the body, and `exception.message` / `exception.stacktrace`.
 * On by default with the default key list and the bearer / JWT / card-number / `key=value` patterns.
 *
 * @example
 * createLogging({ redaction: { keys: ['ssn'], mode: 'hash', hashKey: process.env.LOG_HASH_KEY } });
 */
export interface RedactionOptions {
  /** Set false to switch redaction off entirely. Env: `LOGWEAVE_REDACTION`. Default: true. */
  enabled?: boolean;
  /**
   * Keys whose values are secrets, added to the default list (authorization, cookie, set-cookie,
   * password, passwd, secret, token, api_key, apikey, access_token, refresh_token, client_secret, …).
   * Matched case-insensitively, ignoring `-`, `_`, `.` and spaces, against the end of a key
   * at any depth (`ssn` matches `customer.ssn` and `customerSsn`). Default: none.
   */
  keys?: string[];
  /**
   * Extra patterns whose matches inside string values are secrets (JS RegExp syntax). Default: none.
   *
   * Their running time is yours: the built-in patterns take time linear in the string whatever it
   * holds, but a custom regex runs on V8's backtracking engine, and one with nested or overlapping
   * repetition (`(a+)+`, `(\w+\s?)*$`), or one that fails late at every start position, can take
   * seconds on a hostile string and block the event loop meanwhile. logweave bounds what they see:
   * they run only on string values after the limits, so on at most
   * `limits.attributeValueLengthLimit` characters (default 8192) in attributes and structured bodies
   * and 64 KiB in a string body, never on keys; first one combined regex decides whether a string
   * needs them at all; at most 256 patterns are accepted, each must compile and must not match the
   * empty string. Prefer anchored, bounded patterns with a literal start (`sk_live_[0-9a-z]{24}`).
   */
  patterns?: Array<string | RegExp>;
  /**
   * Built-in value patterns: `Bearer <token>`, JWTs, Luhn-valid card numbers and
   * `key=value` / `"key":"value"` for the redacted keys. Env: `LOGWEAVE_REDACTION_DEFAULT_PATTERNS`. Default: true.
   */
  defaultPatterns?: boolean;
  /** Also redact e-mail addresses in string values. Env: `LOGWEAVE_REDACTION_EMAILS`. Default: false. */
  redactEmails?: boolean;
  /**
   * `remove` writes `[REDACTED]`; `hash` writes `[REDACTED:hmac:<16 hex>]`, a keyed hash that is
   * equal for equal values (correlatable) and reveals nothing. Env: `LOGWEAVE_REDACTION_MODE`. Default: `remove`.
   */
  mode?: 'remove' | 'hash';
  /**
   * Key of the HMAC used by `mode: 'hash'` (at least 16 characters). Give every service the same
   * key to correlate values across services and restarts. Env: `LOGWEAVE_REDACTION_HASH_KEY`.
   * Default: a random key per process.
   */
  hashKey?: string;
}
