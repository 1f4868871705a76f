import { z } from 'zod';
import { DEFAULTS } from '../core/defaults.ts';
import { SEVERITY_NAMES, type SeverityName } from '../core/severity.ts';
import { validateWithSchema } from '../config/validate-with-schema.ts';

/** How a request ended, as far as its access record's severity is concerned. */
export type RequestOutcome = 'success' | 'clientError' | 'serverError' | 'aborted';

/** Options shared by `logweaveExpress` and `logweaveFastify`. */
export interface HttpIntegrationOptions {
  /**
   * Module name (OTel instrumentation scope) of the access and error records, so sampling
   * rules can address them. Default: `logweave.http`.
   */
  loggerName?: string;
  /** One record per request (`request completed`); `false` turns it off. Default: true. */
  accessLog?: boolean | AccessLogOptions;
  /**
   * Answer with the request id in the request-id header (`requestId.header`, default
   * `x-request-id`). A rejected incoming id is replaced, never echoed. Default: true.
   */
  echoRequestId?: boolean;
  /**
   * Whether an error carrying a 4xx status (`statusCode`/`status`, e.g. invalid JSON or a
   * failed schema validation) marks the request failed like a 5xx does. Such errors are
   * logged once at WARN either way. Default: false.
   */
  clientErrorsFail?: boolean;
  /**
   * Answer `logweave-outcome: failed` when the request failed before its response headers were
   * sent (an ERROR, a callee that failed, `markRequestFailed()`), so callers that use
   * `fetchWithContext` keep their story of it too. Default: true.
   */
  answerFailure?: boolean;
}

export interface AccessLogOptions {
  /**
   * Severity of the access record by outcome. Default:
   * `{ success: 'info', clientError: 'warn', serverError: 'error', aborted: 'warn' }`.
   */
  severity?: Partial<Record<RequestOutcome, SeverityName>>;
}

/** The options after defaults. */
export interface ResolvedHttpOptions {
  loggerName: string;
  accessLog: boolean;
  severity: Readonly<Record<RequestOutcome, SeverityName>>;
  echoRequestId: boolean;
  clientErrorsFail: boolean;
  answerFailure: boolean;
}

const severityName = z.enum(SEVERITY_NAMES);
const accessLogSchema = z
  .object({
    severity: z
      .object({
        success: severityName.optional(),
        clientError: severityName.optional(),
        serverError: severityName.optional(),
        aborted: severityName.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
// accessLog is checked on its own below: a zod union would only say "Invalid input".
const schema = z
  .object({
    loggerName: z.string().min(1).optional(),
    accessLog: z.unknown().optional(),
    echoRequestId: z.boolean().optional(),
    clientErrorsFail: z.boolean().optional(),
    answerFailure: z.boolean().optional(),
  })
  .strict();

/**
 * Validates integration options once, when the middleware or plugin is created; a bad value
 * throws `LogweaveConfigError` naming the field (`logweaveExpress.accessLog.severity.success`).
 */
export function resolveHttpOptions(options: unknown, origin: string): ResolvedHttpOptions {
  const parsed = validateWithSchema(schema, options ?? {}, origin);
  const accessLog =
    parsed.accessLog === undefined || typeof parsed.accessLog === 'boolean'
      ? (parsed.accessLog ?? DEFAULTS.http.accessLog)
      : validateWithSchema(accessLogSchema, parsed.accessLog, `${origin}.accessLog`);
  const severityOverrides = typeof accessLog === 'object' ? accessLog.severity : undefined;
  return {
    loggerName: parsed.loggerName ?? DEFAULTS.http.loggerName,
    accessLog: accessLog !== false,
    severity: { ...DEFAULTS.http.severity, ...stripUndefined(severityOverrides) },
    echoRequestId: parsed.echoRequestId ?? DEFAULTS.http.echoRequestId,
    clientErrorsFail: parsed.clientErrorsFail ?? DEFAULTS.http.clientErrorsFail,
    answerFailure: parsed.answerFailure ?? DEFAULTS.http.answerFailure,
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
