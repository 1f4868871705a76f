/** The `redaction` section: secrets are removed before anything is buffered or exported. On by default. */
export interface RedactionOptions {
  /** Set false to switch redaction off entirely. Env: `LOGWEAVE_REDACTION`. Default: true. */
  enabled?: boolean;
}
