import type { HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { serializedErrorAttributes } from './serialized-error.ts';

/** The keys of a pino line that logweave reads instead of copying them into the attributes. */
export interface PinoLineKeys {
  /** pino's `messageKey` (default `msg`): the body. */
  readonly messageKey: string;
  /** pino's `errorKey` (default `err`): `exception.*`. */
  readonly errorKey: string;
  /** The binding naming the module (default `module`): the instrumentation scope. */
  readonly moduleKey: string;
}

/** What a pino line says, mapped to the parts of an OTel record. */
export interface PinoLineParts {
  body: string | undefined;
  timestamp: HrTime | undefined;
  attributes: Record<string, unknown>;
  /** The line's own `level` field (a number, or a label with `formatters.level`). */
  level: unknown;
  /** The line's module field, when it has one. */
  module: string | undefined;
}

/*
 * Fields pino writes that are not the caller's: `pid` and `hostname` are the resource's
 * `process.pid` and `host.name`; `trace_id`/`span_id`/`trace_flags` are what
 * instrumentation-pino's log correlation adds, and the record carries its span context already.
 * (The same fields the official instrumentation leaves out.)
 */
const NOT_ATTRIBUTES = new Set(['level', 'time', 'pid', 'hostname', 'trace_id', 'span_id', 'trace_flags']);

/**
 * Maps one parsed pino line: `msg` → body, `time` → timestamp, `err` (and `error`, when it is a
 * serialised error) → `exception.*`, every other field (bindings and the merge object) → attributes.
 * `nowMillis` is the time of the call that wrote the line (see `timestampOf`).
 */
export function pinoLineParts(
  line: Readonly<Record<string, unknown>>,
  keys: PinoLineKeys,
  nowMillis: number,
): PinoLineParts {
  // No prototype: a line's own `__proto__` field stays a field (normalisation renames it later).
  const attributes: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let errorAttributes: Record<string, unknown> | undefined;
  for (const key of Object.keys(line)) {
    if (NOT_ATTRIBUTES.has(key) || key === keys.messageKey || key === keys.moduleKey) continue;
    const value = line[key];
    if (key === keys.errorKey || key === 'error') {
      const mapped = errorAttributes === undefined ? serializedErrorAttributes(key, value) : undefined;
      if (mapped !== undefined) {
        errorAttributes = mapped;
        continue;
      }
    }
    attributes[key] = value;
  }
  if (errorAttributes !== undefined) Object.assign(attributes, errorAttributes);
  const message = line[keys.messageKey];
  const module = line[keys.moduleKey];
  return {
    body: message === undefined || message === null ? undefined : String(message),
    timestamp: timestampOf(line['time'], nowMillis),
    attributes,
    level: line['level'],
    module: typeof module === 'string' && module !== '' ? module : undefined,
  };
}

/**
 * pino's `time`: milliseconds (`epochTime`, the default), seconds (`unixTime`) or an ISO string
 * (`isoTime`). The line was written by the very call being handled, so of the two numeric
 * readings the one nearer to now is the right one. Anything else (a custom `timestamp`
 * function, `timestamp: false`) leaves the record's time to the SDK: now.
 */
export function timestampOf(time: unknown, nowMillis: number): HrTime | undefined {
  if (typeof time === 'number' && Number.isFinite(time) && time > 0) {
    const millis = Math.abs(time - nowMillis) <= Math.abs(time * 1000 - nowMillis) ? time : time * 1000;
    return millisToHrTime(millis);
  }
  if (typeof time === 'string') {
    const millis = Date.parse(time);
    if (!Number.isNaN(millis)) return millisToHrTime(millis);
  }
  return undefined;
}
