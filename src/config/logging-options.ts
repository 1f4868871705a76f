import type { MeterProvider } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { SeverityName } from '../core/severity.ts';
import type { SamplingOptions } from './sampling-options.ts';
import type { RedactionOptions } from './redaction-options.ts';
import type { DeliveryOptions } from './delivery-options.ts';

/**
 * Where kept records go: `otlp` (HTTP or gRPC, durable), `console` (readable lines for people),
 * `file` (OTLP JSON lines, rotated), `otlp/stdout` (OTLP JSON, one record per line on stdout, for a
 * Collector's filelog receiver in Kubernetes), `none`.
 */
export const EXPORTER_NAMES = ['otlp', 'console', 'file', 'otlp/stdout', 'none'] as const;
export type ExporterName = (typeof EXPORTER_NAMES)[number];

/**
 * Resource detectors, named as `OTEL_NODE_RESOURCE_DETECTORS` names them. `all` is every one of
 * these; `none` is none (the resource is then the env attributes and the SDK's own).
 */
export const RESOURCE_DETECTOR_NAMES = [
  'all',
  'none',
  'env',
  'host',
  'os',
  'process',
  'serviceinstance',
  'container',
] as const;
export type ResourceDetectorName = (typeof RESOURCE_DETECTOR_NAMES)[number];

/** OTLP transports: OTLP/HTTP with protobuf or JSON bodies, or OTLP/gRPC. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/**
 * Headers computed per export request, e.g. a token that refreshes. May return a promise; a
 * function that throws or rejects fails that attempt (retried or spooled like a network error).
 * Its values are never logged or printed.
 */
export type OtlpHeaderProvider = () => Record<string, string> | Promise<Record<string, string>>;

export interface OtlpOptions {
  /**
   * Full URL of the logs endpoint, used verbatim. With `grpc` only its scheme (`https` for TLS),
   * host and port count.
   * Env: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (verbatim), else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`.
   * Default: `http://localhost:4318/v1/logs` (`http://localhost:4317` with `grpc`).
   */
  url?: string;
  /** Env: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`. Default: `http/protobuf`. */
  protocol?: OtlpProtocol;
  /**
   * Extra request headers (gRPC: metadata), or a function returning them per export. Merged key by
   * key over `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_EXPORTER_OTLP_LOGS_HEADERS` (the signal-specific
   * one wins); a function's keys win over both.
   * Env: `OTEL_EXPORTER_OTLP_LOGS_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS`. Default: none.
   */
  headers?: Record<string, string> | OtlpHeaderProvider;
  /**
   * Per-request timeout, retries included; 0 means no limit (as the OTel spec says).
   * Env: `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`. Default: 10000 ms.
   */
  timeoutMillis?: number;
  /** Env: `OTEL_EXPORTER_OTLP_LOGS_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION`. Default: `none`. */
  compression?: 'gzip' | 'none';
  /**
   * PEM file of the CA certificates trusted for the endpoint's TLS certificate (instead of Node's
   * built-in list). Read once at start, at most 1 MiB.
   * Env: `OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CERTIFICATE`. Default: none.
   */
  certificateFile?: string;
  /**
   * PEM file of the client's private key, for mTLS (with `clientCertificateFile`).
   * Env: `OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY`, `OTEL_EXPORTER_OTLP_CLIENT_KEY`. Default: none.
   */
  clientKeyFile?: string;
  /**
   * PEM file of the client's certificate chain, for mTLS (with `clientKeyFile`).
   * Env: `OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`. Default: none.
   */
  clientCertificateFile?: string;
}

export interface FileSinkOptions {
  /** Path of the OTLP JSON lines file. Env: `LOGWEAVE_FILE_PATH`. Default: `./logweave-logs.jsonl`. */
  path?: string;
  /** Rotate when the file would grow past this many bytes. Env: `LOGWEAVE_FILE_MAX_BYTES`. Default: 52428800 (50 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the live one (`.1` newest). Env: `LOGWEAVE_FILE_MAX_FILES`. Default: 5. */
  maxFiles?: number;
}

/** The official `BatchLogRecordProcessor`'s settings, named as in the SDK. */
export interface BatchOptions {
  /** Records waiting for export; past it new records are dropped and counted (`queue_full`). Env: `OTEL_BLRP_MAX_QUEUE_SIZE`. Default: 2048. */
  maxQueueSize?: number;
  /** Env: `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. Default: 512. */
  maxExportBatchSize?: number;
  /** Env: `OTEL_BLRP_SCHEDULE_DELAY`. Default: 1000 ms. */
  scheduledDelayMillis?: number;
  /** Env: `OTEL_BLRP_EXPORT_TIMEOUT`. Default: 30000 ms. */
  exportTimeoutMillis?: number;
}

/**
 * Bounds on what one record may carry. The first two are the OTel SDK's log record limits (and its
 * env vars); the others bound the facade's conversion of caller values and the body, which the
 * SDK leaves open. Every stage (facade, SDK, redaction) applies the same values.
 */
export interface LimitOptions {
  /** Env: `OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT`, `OTEL_ATTRIBUTE_COUNT_LIMIT`. Default: 128. */
  attributeCountLimit?: number;
  /**
   * Longer string values are truncated, never inside a character. Unlike the SDK's default
   * (unlimited) this is finite.
   * Env: `OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`. Default: 8192.
   */
  attributeValueLengthLimit?: number;
  /** Deepest nesting kept in an attribute value (1–64); deeper values become `"[Object]"`. Default: 8. */
  maxDepth?: number;
  /** Items kept per array, Set, Map or object; the rest is summarised by a marker. Default: 128. */
  maxCollectionEntries?: number;
  /** Values converted per call, at any depth; later ones become `"[Truncated]"`. Default: 2048. */
  maxTotalValues?: number;
  /** String characters converted per call; later strings are cut to what is left. Default: 262144. */
  maxTotalChars?: number;
  /** Longest body in UTF-8 bytes (at least 64); longer bodies are cut on a character boundary. Default: 65536. */
  maxBodyBytes?: number;
}

export interface RequestIdOptions {
  /** Incoming and outgoing header that carries the request id. Env: `LOGWEAVE_REQUEST_ID_HEADER`. Default: `x-request-id`. */
  header?: string;
  /** Longest accepted incoming id; longer ones are replaced. Default: 128. */
  maxLength?: number;
}

/**
 * Signals between the services of a trace, authenticated with a secret every service shares:
 * - release calls: when a trace fails here, the services this process called in it earlier (and
 *   that answered fine) are told to keep what they held (`POST /.well-known/logweave/release`,
 *   answered by `logweaveExpress` / `logweaveFastify`);
 * - keep tokens: a request whose baggage carries `logweave.keep=<token>` (see `createKeepToken`)
 *   has every record kept, in every service on its path.
 * Without a secret neither is sent nor believed.
 */
export interface SignalOptions {
  /** The shared secret (at least 32 characters). Env: `LOGWEAVE_SIGNAL_SECRET`. Default: none. */
  secret?: string;
}

/** Everything `createLogging()` accepts. Precedence: 1. these options 2. the config file 3. env vars 4. defaults. */
export interface LoggingOptions {
  /**
   * `service.name` on the resource. Precedence: this option, then `service.name` in
   * `resourceAttributes`, then `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`.
   * Env: `OTEL_SERVICE_NAME`. Default: `unknown_service:node`.
   */
  serviceName?: string;
  /** Merged over `OTEL_RESOURCE_ATTRIBUTES`; values are strings, numbers or booleans. Default: none. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * Which detectors add to the resource (`@opentelemetry/resources`' host, os, process and service
   * instance id detectors, `@opentelemetry/resource-detector-container`'s container id); `env` is
   * `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME` as logweave reads them.
   * Env: `OTEL_NODE_RESOURCE_DETECTORS`. Default: `all`.
   */
  resourceDetectors?: ResourceDetectorName | readonly ResourceDetectorName[];
  /** Minimum severity the facade and the SDK emit at all; below it calls are no-ops. Env: `LOGWEAVE_LEVEL`. Default: `info`. */
  level?: SeverityName;
  /**
   * A name, a list of names (each gets the records), or any `LogRecordExporter`.
   * Env: `OTEL_LOGS_EXPORTER` (a comma-separated list). Default: `otlp`.
   */
  exporter?: ExporterName | readonly ExporterName[] | LogRecordExporter;
  otlp?: OtlpOptions;
  file?: FileSinkOptions;
  batch?: BatchOptions;
  limits?: LimitOptions;
  requestId?: RequestIdOptions;
  /** Sampling policy; absent means every record is kept. See the README's sampling section. */
  sampling?: SamplingOptions;
  /**
   * Seed of the pseudo-random sequence that decides records outside any trace and request (and
   * gives them their `sampling.randomness`): the same seed and the same sequence of such records
   * make the same decisions in every run. Read once, not on reload. Env: `LOGWEAVE_SAMPLING_SEED`.
   * Default: the service name.
   */
  samplingSeed?: string;
  /** Secret removal before anything is buffered or exported. On by default. */
  redaction?: RedactionOptions;
  /** Durable export (spool) and exit handling. */
  delivery?: DeliveryOptions;
  /** Signed signals between services: sibling releases and keep tokens. Off unless a secret is given. */
  signals?: SignalOptions;
  /** YAML or JSON file with the same shape as these options. Env: `LOGWEAVE_CONFIG`. Default: none. */
  config?: string;
  /**
   * Register this pipeline's provider as the global logs provider of `@opentelemetry/api` and
   * `@opentelemetry/api-logs`, so log instrumentations and the logs API reach it. Turn it off for a
   * second pipeline in one process that must not take the first one's place. Default: true.
   */
  registerGlobal?: boolean;
  /**
   * Flush on SIGTERM/SIGINT within `shutdownTimeoutMillis`, then let the process end as it would have.
   * Env: `LOGWEAVE_HANDLE_SIGNALS`. Default: true.
   */
  handleSignals?: boolean;
  /**
   * Also send `console.log/info/warn/error/debug/trace` calls (the application's and its
   * dependencies') into the pipeline, module `console`, severity by method; the console prints
   * them as before. Removed again by `shutdown()`. Env: `LOGWEAVE_CAPTURE_CONSOLE`. Default: false.
   */
  captureConsole?: boolean;
  /** Upper bound for the flush at shutdown and on signals. Env: `LOGWEAVE_SHUTDOWN_TIMEOUT`. Default: 5000 ms. */
  shutdownTimeoutMillis?: number;
  /** Minimum time between two stderr diagnostics with the same reason. Env: `LOGWEAVE_DIAGNOSTIC_INTERVAL`. Default: 60000 ms. */
  diagnosticIntervalMillis?: number;
  /** Receives logweave's own diagnostic lines. Default: writes to `process.stderr`. */
  diagnosticWriter?: (line: string) => void;
  /** Where logweave's own metrics (kept/dropped counts) are recorded. Default: none. */
  meterProvider?: MeterProvider;
  /** Environment to read instead of `process.env` (tests, embedding). Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}
