/**
 * Every environment variable logweave reads, as data: the option it sets and how its text is
 * parsed. Bounds are not repeated here: each value is validated by the options schema at the
 * entry's path (`schemaAt`), so a bound is stated once, in `options-schema.ts`.
 *
 * Order matters where two variables set one option: the first one present wins (a signal-specific
 * `OTEL_EXPORTER_OTLP_LOGS_*` before the general `OTEL_EXPORTER_OTLP_*`), except for `merge`
 * entries, whose key-value lists are merged key by key with the later entry winning.
 *
 * An `OTEL_*` variable with a value logweave cannot use is reported (one diagnostic line) and
 * ignored, as the OTel SDK configuration spec asks ("SHOULD log a warning and ignore"): a
 * platform-wide setting never stops a process from starting. logweave's own `LOGWEAVE_*`
 * variables are checked strictly and throw `LogweaveConfigError`.
 */
export type EnvValueKind =
  /** Trimmed text. */
  | 'string'
  /** Trimmed, lower-cased text (names of levels, exporters, modes). */
  | 'name'
  /** A comma-separated list of names, each trimmed and lower-cased, blanks skipped (`otlp,console`). */
  | 'nameList'
  /** The raw value, not trimmed (a secret key must not silently change). */
  | 'raw'
  /** A non-negative decimal integer. */
  | 'integer'
  /** `true`/`false`/`1`/`0`, any case. */
  | 'boolean'
  /** `key=value,key2=value2`, values percent-decoded (`OTEL_RESOURCE_ATTRIBUTES`, `…_HEADERS`). */
  | 'keyValueList'
  /** An absolute http(s) URL, used verbatim. */
  | 'url'
  /** An absolute http(s) base URL; `/v1/logs` is appended (OTLP/HTTP signal path). */
  | 'baseUrl';

export interface EnvEntry {
  readonly name: string;
  /** Dotted option path (`batch.maxQueueSize`), or a `process.` path for settings outside the options. */
  readonly path: string;
  readonly kind: EnvValueKind;
  /** Key-value lists merged with the entries before it (later wins per key) instead of replacing them. */
  readonly merge?: boolean;
  /** The value is a secret: errors say `(hidden)` instead of showing it. */
  readonly secret?: boolean;
}

export const ENV_TABLE: readonly EnvEntry[] = [
  { name: 'OTEL_SDK_DISABLED', path: 'process.sdkDisabled', kind: 'boolean' },
  { name: 'OTEL_SERVICE_NAME', path: 'serviceName', kind: 'string' },
  { name: 'OTEL_RESOURCE_ATTRIBUTES', path: 'resourceAttributes', kind: 'keyValueList' },
  { name: 'OTEL_NODE_RESOURCE_DETECTORS', path: 'resourceDetectors', kind: 'nameList' },
  { name: 'LOGWEAVE_LEVEL', path: 'level', kind: 'name' },
  { name: 'OTEL_LOGS_EXPORTER', path: 'exporter', kind: 'nameList' },
  { name: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', path: 'otlp.url', kind: 'url' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', path: 'otlp.url', kind: 'baseUrl' },
  { name: 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', path: 'otlp.protocol', kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', path: 'otlp.protocol', kind: 'string' },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    path: 'otlp.headers',
    kind: 'keyValueList',
    merge: true,
    secret: true,
  },
  {
    name: 'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
    path: 'otlp.headers',
    kind: 'keyValueList',
    merge: true,
    secret: true,
  },
  { name: 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', path: 'otlp.timeoutMillis', kind: 'integer' },
  { name: 'OTEL_EXPORTER_OTLP_TIMEOUT', path: 'otlp.timeoutMillis', kind: 'integer' },
  { name: 'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION', path: 'otlp.compression', kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_COMPRESSION', path: 'otlp.compression', kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE', path: 'otlp.certificateFile', kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_CERTIFICATE', path: 'otlp.certificateFile', kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY', path: 'otlp.clientKeyFile', kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', path: 'otlp.clientKeyFile', kind: 'string' },
  {
    name: 'OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE',
    path: 'otlp.clientCertificateFile',
    kind: 'string',
  },
  { name: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', path: 'otlp.clientCertificateFile', kind: 'string' },
  { name: 'LOGWEAVE_FILE_PATH', path: 'file.path', kind: 'string' },
  { name: 'LOGWEAVE_FILE_MAX_BYTES', path: 'file.maxBytes', kind: 'integer' },
  { name: 'LOGWEAVE_FILE_MAX_FILES', path: 'file.maxFiles', kind: 'integer' },
  { name: 'OTEL_BLRP_MAX_QUEUE_SIZE', path: 'batch.maxQueueSize', kind: 'integer' },
  { name: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', path: 'batch.maxExportBatchSize', kind: 'integer' },
  { name: 'OTEL_BLRP_SCHEDULE_DELAY', path: 'batch.scheduledDelayMillis', kind: 'integer' },
  { name: 'OTEL_BLRP_EXPORT_TIMEOUT', path: 'batch.exportTimeoutMillis', kind: 'integer' },
  { name: 'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', path: 'limits.attributeCountLimit', kind: 'integer' },
  { name: 'OTEL_ATTRIBUTE_COUNT_LIMIT', path: 'limits.attributeCountLimit', kind: 'integer' },
  {
    name: 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    path: 'limits.attributeValueLengthLimit',
    kind: 'integer',
  },
  { name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', path: 'limits.attributeValueLengthLimit', kind: 'integer' },
  { name: 'LOGWEAVE_REQUEST_ID_HEADER', path: 'requestId.header', kind: 'string' },
  { name: 'LOGWEAVE_SAMPLING_SEED', path: 'samplingSeed', kind: 'string' },
  { name: 'LOGWEAVE_REDACTION', path: 'redaction.enabled', kind: 'boolean' },
  { name: 'LOGWEAVE_REDACTION_DEFAULT_PATTERNS', path: 'redaction.defaultPatterns', kind: 'boolean' },
  { name: 'LOGWEAVE_REDACTION_EMAILS', path: 'redaction.redactEmails', kind: 'boolean' },
  { name: 'LOGWEAVE_REDACTION_MODE', path: 'redaction.mode', kind: 'name' },
  { name: 'LOGWEAVE_REDACTION_HASH_KEY', path: 'redaction.hashKey', kind: 'raw', secret: true },
  { name: 'LOGWEAVE_SPOOL_DIR', path: 'delivery.spoolDir', kind: 'string' },
  { name: 'LOGWEAVE_SPOOL_MAX_BYTES', path: 'delivery.spoolMaxBytes', kind: 'integer' },
  { name: 'LOGWEAVE_SPOOL_REPLAY_BACKOFF', path: 'delivery.replayInitialBackoffMillis', kind: 'integer' },
  { name: 'LOGWEAVE_SPOOL_REPLAY_MAX_BACKOFF', path: 'delivery.replayMaxBackoffMillis', kind: 'integer' },
  { name: 'LOGWEAVE_EXPORT_DEADLINE', path: 'delivery.exportDeadlineMillis', kind: 'integer' },
  { name: 'LOGWEAVE_DURABLE_SEVERITY', path: 'delivery.durableSeverity', kind: 'name' },
  { name: 'LOGWEAVE_DURABLE_FSYNC', path: 'delivery.durableFsync', kind: 'boolean' },
  { name: 'LOGWEAVE_HANDLE_UNCAUGHT', path: 'delivery.handleUncaughtErrors', kind: 'boolean' },
  { name: 'LOGWEAVE_SIGNAL_SECRET', path: 'signals.secret', kind: 'raw', secret: true },
  { name: 'LOGWEAVE_HANDLE_SIGNALS', path: 'handleSignals', kind: 'boolean' },
  { name: 'LOGWEAVE_CAPTURE_CONSOLE', path: 'captureConsole', kind: 'boolean' },
  { name: 'LOGWEAVE_SHUTDOWN_TIMEOUT', path: 'shutdownTimeoutMillis', kind: 'integer' },
  { name: 'LOGWEAVE_DIAGNOSTIC_INTERVAL', path: 'diagnosticIntervalMillis', kind: 'integer' },
  // Settings outside the options' shape: read here too, so this table lists every variable.
  { name: 'LOGWEAVE_CONFIG', path: 'process.configPath', kind: 'string' },
  { name: 'LOGWEAVE_CONFIG_WATCH', path: 'process.configWatch', kind: 'boolean' },
  { name: 'TRACEPARENT', path: 'process.inherited.traceparent', kind: 'string' },
  { name: 'TRACESTATE', path: 'process.inherited.tracestate', kind: 'string' },
  { name: 'BAGGAGE', path: 'process.inherited.baggage', kind: 'string' },
  { name: 'LOGWEAVE_REQUEST_ID', path: 'process.inherited.requestId', kind: 'string' },
];
