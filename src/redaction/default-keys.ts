/**
 * Attribute keys whose values are secrets, matched case-insensitively at any nesting depth.
 * A key matches when, once lowercased and stripped of `-`, `_`, `.` and spaces, it ends with
 * one of these entries: `Authorization`, `http.request.header.authorization`, `X-Api-Key`,
 * `db_password`, `clientSecret` and `csrf_token` all match.
 */
export const DEFAULT_REDACTED_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'api_key',
  'apikey',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'private_key',
  'session_id',
  'x-auth-token',
  'card_number',
  'cvv',
  'cvc',
];

/** The comparable form of a key: lowercase, without `-`, `_`, `.` and whitespace. */
export function canonicalKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}
