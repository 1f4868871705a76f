/** Codes of the errors logweave throws at run time (a caller's mistake, never a fault of logweave). */
export type LogweaveErrorCode =
  /** `getRequestContext()` was called where no request context is active. */
  'LOGWEAVE_ERR_NO_REQUEST_CONTEXT';

/**
 * An error a caller can act on, with a stable `code` (as Node and Fastify do). Configuration
 * mistakes throw `LogweaveConfigError` instead, which also names the bad field.
 */
export class LogweaveError extends Error {
  readonly code: LogweaveErrorCode;

  constructor(code: LogweaveErrorCode, message: string) {
    super(message);
    this.name = 'LogweaveError';
    this.code = code;
  }
}
