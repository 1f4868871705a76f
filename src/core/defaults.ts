/**
 * Every default of logweave, stated once, in the shape of the options (`LoggingOptions`). The
 * options' JSDoc and the README's configuration reference are checked against this object by
 * `test/unit/readme-configuration.test.ts`; code reads its defaults from here and nowhere else.
 */
export const DEFAULTS = {
  serviceName: 'unknown_service:node',
  resourceDetectors: 'all',
  level: 'info',
  exporter: 'otlp',
  otlp: {
    url: 'http://localhost:4318/v1/logs',
    protocol: 'http/protobuf',
    timeoutMillis: 10_000,
    compression: 'none',
  },
  file: {
    path: './logweave-logs.jsonl',
    maxBytes: 50 * 1024 * 1024,
    maxFiles: 5,
  },
  batch: {
    maxQueueSize: 2048,
    maxExportBatchSize: 512,
    scheduledDelayMillis: 1000,
    exportTimeoutMillis: 30_000,
  },
  limits: {
    attributeCountLimit: 128,
    attributeValueLengthLimit: 8192,
    /** Deepest nesting kept in an attribute value; deeper values become `"[Object]"`. */
    maxDepth: 8,
    /** Items kept per array, Set, Map or object; the rest is summarised by a marker. */
    maxCollectionEntries: 128,
    /** Values converted per call (any kind, any depth); later ones become `"[Truncated]"`. */
    maxTotalValues: 2048,
    /** String characters converted per call; later strings are cut to what is left. */
    maxTotalChars: 262_144,
    /** Longest record body in UTF-8 bytes; longer bodies are cut on a character boundary. */
    maxBodyBytes: 65_536,
  },
  requestId: {
    header: 'x-request-id',
    maxLength: 128,
  },
  sampling: {
    /** Keep-probabilities where no rule and no `default` names the severity. */
    default: { trace: 1, debug: 1, info: 1, warn: 0 },
    errorBuffer: {
      maxRecords: 200,
      maxBytes: 256 * 1024,
      maxTotalBytes: 16 * 1024 * 1024,
      maxAgeMillis: 300_000,
      graceMillis: 10_000,
    },
    burst: {
      perTemplatePerSecond: 100,
    },
    traceBased: false,
  },
  redaction: {
    enabled: true,
    defaultPatterns: true,
    redactEmails: false,
    mode: 'remove',
  },
  delivery: {
    spoolMaxBytes: 100 * 1024 * 1024,
    replayInitialBackoffMillis: 1000,
    replayMaxBackoffMillis: 5000,
    exportDeadlineMillis: 500,
    durableSeverity: 'off',
    durableFsync: false,
    handleUncaughtErrors: true,
  },
  http: {
    loggerName: 'logweave.http',
    accessLog: true,
    echoRequestId: true,
    clientErrorsFail: false,
    answerFailure: true,
    severity: { success: 'info', clientError: 'warn', serverError: 'error', aborted: 'warn' },
  },
  bridges: {
    /** The binding of another logger's child that names the module (`child({ module: 'payments' })`). */
    moduleKey: 'module',
    pino: { defaultModule: 'pino' },
    winston: { defaultModule: 'winston' },
  },
  captureConsole: false,
  handleSignals: true,
  registerGlobal: true,
  shutdownTimeoutMillis: 5000,
  diagnosticIntervalMillis: 60_000,
} as const;

/**
 * `otlp.url` when the protocol is `grpc` and no endpoint is configured: the OTLP/gRPC port, no path
 * (the OTel spec's default for gRPC). Stated with `otlp.url`'s row in the README table.
 */
export const DEFAULT_GRPC_URL = 'http://localhost:4317';

/** Largest certificate or key file read for TLS (`otlp.certificateFile` …): PEM bundles are far smaller. */
export const MAX_TLS_FILE_BYTES = 1024 * 1024;
