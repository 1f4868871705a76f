import { readBoolean, readString, type Environment } from './env-parsers.ts';
import { LogweaveConfigError } from './logweave-config-error.ts';
import type { RedactionOptions } from './redaction-options.ts';

/** The `LOGWEAVE_REDACTION*` variables; absent ones are left out so they never hide a default. */
export function readRedactionEnvironment(env: Environment): RedactionOptions {
  const options: RedactionOptions = {};
  const enabled = readBoolean(env, 'LOGWEAVE_REDACTION');
  if (enabled !== undefined) options.enabled = enabled;
  const defaultPatterns = readBoolean(env, 'LOGWEAVE_REDACTION_DEFAULT_PATTERNS');
  if (defaultPatterns !== undefined) options.defaultPatterns = defaultPatterns;
  const redactEmails = readBoolean(env, 'LOGWEAVE_REDACTION_EMAILS');
  if (redactEmails !== undefined) options.redactEmails = redactEmails;
  const mode = readString(env, 'LOGWEAVE_REDACTION_MODE')?.toLowerCase();
  if (mode !== undefined) {
    if (mode !== 'remove' && mode !== 'hash') {
      throw new LogweaveConfigError('env:LOGWEAVE_REDACTION_MODE', '"remove" or "hash"', mode);
    }
    options.mode = mode;
  }
  // Not trimmed away into a shorter key by accident: the raw value is the key.
  const hashKey = env['LOGWEAVE_REDACTION_HASH_KEY'];
  if (hashKey !== undefined && hashKey !== '') {
    if (hashKey.length < 16) {
      throw new LogweaveConfigError('env:LOGWEAVE_REDACTION_HASH_KEY', 'at least 16 characters', '(hidden)');
    }
    options.hashKey = hashKey;
  }
  return options;
}

/**
 * `options` with `hashKey` made non-enumerable: still readable as `options.hashKey`, but left out
 * of `JSON.stringify`, `console.log` and spreads, so printing `logging.resolvedOptions` does not
 * leak the key that protects every hashed value.
 */
export function hideHashKey(options: RedactionOptions): RedactionOptions {
  const { hashKey, ...visible } = options;
  if (hashKey !== undefined) {
    Object.defineProperty(visible, 'hashKey', { value: hashKey, enumerable: false, writable: false });
  }
  return visible;
}
