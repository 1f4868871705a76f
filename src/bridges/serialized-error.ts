/**
 * `exception.*` attributes (OTel semantic conventions) for an error another logger has already
 * serialised: pino's `err` serializer writes `{ type, message, stack, ...ownProperties }`, winston's
 * `format.errors()` leaves `message` and `stack`. Other own fields (`code`, `statusCode`) stay
 * under the original key, so nothing the other logger wrote is lost. Values are returned raw: the
 * caller normalises them within the pipeline's limits.
 *
 * Returns undefined when `value` does not look like an error (no string `message` or `stack`).
 */
export function serializedErrorAttributes(key: string, value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const error = value as Record<string, unknown>;
  const message = error['message'];
  const stack = error['stack'];
  if (typeof message !== 'string' && typeof stack !== 'string') return undefined;
  const type = typeof error['type'] === 'string' ? error['type'] : error['name'];
  const attributes: Record<string, unknown> = {
    'exception.type': typeof type === 'string' && type !== '' ? type : 'Error',
    'exception.message': typeof message === 'string' ? message : '',
  };
  if (typeof stack === 'string') attributes['exception.stacktrace'] = stack;
  let rest: Record<string, unknown> | undefined;
  for (const field of Object.keys(error)) {
    if (field === 'type' || field === 'name' || field === 'message' || field === 'stack') continue;
    // No prototype: an own `__proto__` field of the error stays a field.
    (rest ??= Object.create(null) as Record<string, unknown>)[field] = error[field];
  }
  if (rest !== undefined) attributes[key] = rest;
  return attributes;
}
