import { serializedErrorAttributes } from './serialized-error.ts';

/** What a winston info object says, mapped to the parts of an OTel record. */
export interface WinstonInfoParts {
  body: string | undefined;
  attributes: Record<string, unknown>;
  /** An Error object for `exception.*` (mapped within the pipeline's limits by the facade). */
  exception: Error | undefined;
  module: string | undefined;
}

/*
 * Fields of an info object that are not the caller's: `level` and `message` are the severity and
 * body; `trace_id`/`span_id`/`trace_flags` are what instrumentation-winston's log correlation
 * adds, and the record carries its span context already.
 */
const NOT_ATTRIBUTES = new Set(['level', 'message', 'trace_id', 'span_id', 'trace_flags']);

/**
 * Maps one winston info object: `message` → body; an error → `exception.*`, whichever way winston
 * carries it (the info object is the Error itself for `logger.error(err)`; `err`/`error` fields;
 * a `stack` field left by `format.errors()` or a splat error); every other own field (the
 * `defaultMeta` and `child()` bindings, the meta object) → attributes. Symbol keys (winston's
 * LEVEL, MESSAGE, SPLAT) are winston's own and not copied.
 */
export function winstonInfoParts(
  info: Readonly<Record<string, unknown>>,
  moduleKey: string,
): WinstonInfoParts {
  // No prototype: a meta object's own `__proto__` field stays a field (normalisation renames it).
  const attributes: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let exception: Error | undefined = info instanceof Error ? info : undefined;
  let errorAttributes: Record<string, unknown> | undefined;
  for (const key of Object.keys(info)) {
    if (NOT_ATTRIBUTES.has(key) || key === moduleKey) continue;
    const value = info[key];
    if (exception === undefined && errorAttributes === undefined && (key === 'err' || key === 'error')) {
      if (value instanceof Error) {
        exception = value;
        continue;
      }
      errorAttributes = serializedErrorAttributes(key, value);
      if (errorAttributes !== undefined) continue;
    }
    attributes[key] = value;
  }
  if (exception === undefined && errorAttributes === undefined && typeof info['stack'] === 'string') {
    // format.errors({ stack: true }) or an Error passed after the message: its stack on the info.
    errorAttributes = serializedErrorAttributes('error', {
      name: info['name'],
      message: info['message'],
      stack: info['stack'],
    });
    delete attributes['stack'];
    delete attributes['name'];
  }
  if (errorAttributes !== undefined) Object.assign(attributes, errorAttributes);
  const message = info['message'];
  const module = info[moduleKey];
  return {
    body:
      message === undefined || message === null
        ? undefined
        : typeof message === 'string'
          ? message
          : String(message),
    attributes,
    exception,
    module: typeof module === 'string' && module !== '' ? module : undefined,
  };
}
