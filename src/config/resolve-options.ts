import type { Attributes, MeterProvider } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { loadConfigFile } from './config-file.ts';
import { readBoolean, readInteger, readKeyValueList, readString, type Environment } from './env-parsers.ts';
import type { DeliveryOptions } from './delivery-options.ts';
import type {
  BatchOptions,
  ExporterName,
  FileSinkOptions,
  LimitOptions,
  LoggingOptions,
  OtlpOptions,
  OtlpProtocol,
  RequestIdOptions,
} from './logging-options.ts';
import { LogweaveConfigError } from './logweave-config-error.ts';
import { optionsSchema, type SerializableOptions } from './options-schema.ts';
import { hideHashKey, readRedactionEnvironment } from './redaction-env.ts';
import type { RedactionOptions } from './redaction-options.ts';
import type { SamplingOptions } from './sampling-options.ts';
import type { SeverityName } from './severity.ts';
import { SEVERITY_NAMES } from './severity.ts';
import { validateWithSchema } from './validate-with-schema.ts';

/** Defaults, stated once. The README's configuration reference is checked against this object. */
export const DEFAULTS = {
  serviceName: 'unknown_service:node',
  level: 'info' as SeverityName,
  exporter: 'otlp' as ExporterName,
  otlpUrl: 'http://localhost:4318/v1/logs',
  otlpProtocol: 'http/protobuf' as OtlpProtocol,
  otlpTimeoutMillis: 10_000,
  filePath: './logweave-logs.jsonl',
  fileMaxBytes: 50 * 1024 * 1024,
  fileMaxFiles: 5,
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 30_000,
  attributeCountLimit: 128,
  attributeValueLengthLimit: 8192,
  requestIdHeader: 'x-request-id',
  requestIdMaxLength: 128,
  handleSignals: true,
  shutdownTimeoutMillis: 5000,
  diagnosticIntervalMillis: 60_000,
  spoolMaxBytes: 100 * 1024 * 1024,
  replayInitialBackoffMillis: 1000,
  replayMaxBackoffMillis: 5000,
  exportDeadlineMillis: 500,
  durableSeverity: 'off' as SeverityName | 'off',
  durableFsync: false,
  handleUncaughtErrors: true,
} as const;

/** W3C carriers a parent process left in the environment (`TRACEPARENT`, `TRACESTATE`, `BAGGAGE`). */
export interface InheritedContext {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  requestId?: string;
}

/** Options after precedence and defaults: every field has its final value. */
export interface ResolvedOptions {
  serviceName: string;
  resourceAttributes: Attributes;
  level: SeverityName;
  exporter: ExporterName | LogRecordExporter;
  otlp: Required<Omit<OtlpOptions, 'headers'>> & { headers: Record<string, string> };
  file: Required<FileSinkOptions>;
  batch: Required<BatchOptions>;
  limits: Required<LimitOptions>;
  requestId: Required<RequestIdOptions>;
  sampling: SamplingOptions | undefined;
  redaction: RedactionOptions;
  delivery: Required<Omit<DeliveryOptions, 'spoolDir'>> & Pick<DeliveryOptions, 'spoolDir'>;
  configPath: string | undefined;
  handleSignals: boolean;
  shutdownTimeoutMillis: number;
  diagnosticIntervalMillis: number;
  diagnosticWriter: (line: string) => void;
  meterProvider: MeterProvider | undefined;
  inheritedContext: InheritedContext | undefined;
  env: Environment;
}

/**
 * Applies the precedence written in the README: 1. options 2. config file 3. env vars 4. defaults.
 * Throws `LogweaveConfigError` for any invalid value, naming where it came from.
 */
export function resolveOptions(options: LoggingOptions = {}): ResolvedOptions {
  const env: Environment = options.env ?? process.env;
  // `config` names the file; it is not part of the file's own shape, so it is checked here.
  const {
    exporter: exporterOption,
    meterProvider,
    diagnosticWriter,
    env: _env,
    config,
    ...serializable
  } = options;
  if (config !== undefined && (typeof config !== 'string' || config.trim() === '')) {
    throw new LogweaveConfigError('options.config', 'the path of a YAML or JSON file', config);
  }
  const fromCode = validateWithSchema(optionsSchema, serializable, 'options');
  checkCodeOnlyOptions(exporterOption, diagnosticWriter);

  const configPath = config ?? readString(env, 'LOGWEAVE_CONFIG');
  const fromFile: SerializableOptions = configPath === undefined ? {} : loadConfigFile(configPath);
  const fromEnv = readEnvironmentOptions(env);
  const pick = <K extends keyof SerializableOptions>(key: K): SerializableOptions[K] =>
    fromCode[key] ?? fromFile[key] ?? fromEnv[key];
  const section = <K extends 'otlp' | 'file' | 'batch' | 'limits' | 'requestId'>(
    key: K,
  ): NonNullable<SerializableOptions[K]> =>
    ({ ...fromEnv[key], ...fromFile[key], ...fromCode[key] }) as NonNullable<SerializableOptions[K]>;

  const otlp = section('otlp');
  const file = section('file');
  const batch = section('batch');
  const limits = section('limits');
  const requestId = section('requestId');
  const maxQueueSize = batch.maxQueueSize ?? DEFAULTS.maxQueueSize;

  return {
    serviceName: pick('serviceName') ?? DEFAULTS.serviceName,
    resourceAttributes: {
      ...fromEnv.resourceAttributes,
      ...fromFile.resourceAttributes,
      ...fromCode.resourceAttributes,
    },
    level: pick('level') ?? DEFAULTS.level,
    exporter: exporterOption ?? pick('exporter') ?? DEFAULTS.exporter,
    otlp: {
      url: otlp.url ?? DEFAULTS.otlpUrl,
      protocol: otlp.protocol ?? DEFAULTS.otlpProtocol,
      headers: otlp.headers ?? {},
      timeoutMillis: otlp.timeoutMillis ?? DEFAULTS.otlpTimeoutMillis,
      compression: otlp.compression ?? 'none',
    },
    file: {
      path: file.path ?? DEFAULTS.filePath,
      maxBytes: file.maxBytes ?? DEFAULTS.fileMaxBytes,
      maxFiles: file.maxFiles ?? DEFAULTS.fileMaxFiles,
    },
    batch: {
      maxQueueSize,
      // The SDK clamps a batch larger than the queue; doing it here keeps the resolved view honest.
      maxExportBatchSize: Math.min(batch.maxExportBatchSize ?? DEFAULTS.maxExportBatchSize, maxQueueSize),
      scheduledDelayMillis: batch.scheduledDelayMillis ?? DEFAULTS.scheduledDelayMillis,
      exportTimeoutMillis: batch.exportTimeoutMillis ?? DEFAULTS.exportTimeoutMillis,
    },
    limits: {
      attributeCountLimit: limits.attributeCountLimit ?? DEFAULTS.attributeCountLimit,
      attributeValueLengthLimit: limits.attributeValueLengthLimit ?? DEFAULTS.attributeValueLengthLimit,
    },
    requestId: {
      header: (requestId.header ?? DEFAULTS.requestIdHeader).toLowerCase(),
      maxLength: requestId.maxLength ?? DEFAULTS.requestIdMaxLength,
    },
    sampling: fromCode.sampling ?? fromFile.sampling,
    redaction: hideHashKey({ ...fromEnv.redaction, ...fromFile.redaction, ...fromCode.redaction }),
    delivery: resolveDelivery({ ...fromEnv.delivery, ...fromFile.delivery, ...fromCode.delivery }),
    configPath,
    handleSignals: pick('handleSignals') ?? DEFAULTS.handleSignals,
    shutdownTimeoutMillis: pick('shutdownTimeoutMillis') ?? DEFAULTS.shutdownTimeoutMillis,
    diagnosticIntervalMillis: pick('diagnosticIntervalMillis') ?? DEFAULTS.diagnosticIntervalMillis,
    diagnosticWriter: diagnosticWriter ?? writeToStderr,
    meterProvider,
    inheritedContext: readInheritedContext(env),
    env,
  };
}

function resolveDelivery(delivery: DeliveryOptions): ResolvedOptions['delivery'] {
  const resolved: ResolvedOptions['delivery'] = {
    spoolMaxBytes: delivery.spoolMaxBytes ?? DEFAULTS.spoolMaxBytes,
    replayInitialBackoffMillis: delivery.replayInitialBackoffMillis ?? DEFAULTS.replayInitialBackoffMillis,
    replayMaxBackoffMillis: delivery.replayMaxBackoffMillis ?? DEFAULTS.replayMaxBackoffMillis,
    exportDeadlineMillis: delivery.exportDeadlineMillis ?? DEFAULTS.exportDeadlineMillis,
    durableSeverity: delivery.durableSeverity ?? DEFAULTS.durableSeverity,
    durableFsync: delivery.durableFsync ?? DEFAULTS.durableFsync,
    handleUncaughtErrors: delivery.handleUncaughtErrors ?? DEFAULTS.handleUncaughtErrors,
  };
  if (delivery.spoolDir !== undefined) resolved.spoolDir = delivery.spoolDir;
  if (resolved.replayInitialBackoffMillis > resolved.replayMaxBackoffMillis) {
    throw new LogweaveConfigError(
      'delivery.replayInitialBackoffMillis',
      `at most delivery.replayMaxBackoffMillis (${resolved.replayMaxBackoffMillis})`,
      resolved.replayInitialBackoffMillis,
    );
  }
  if (resolved.durableSeverity !== 'off' && resolved.spoolDir === undefined) {
    throw new LogweaveConfigError(
      'delivery.durableSeverity',
      `"off" unless delivery.spoolDir (LOGWEAVE_SPOOL_DIR) is set: the records are written to the spool`,
      resolved.durableSeverity,
    );
  }
  return resolved;
}

function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

function checkCodeOnlyOptions(exporter: unknown, diagnosticWriter: unknown): void {
  if (exporter !== undefined && typeof exporter !== 'string') {
    const candidate = exporter as Partial<LogRecordExporter> | null;
    if (
      candidate === null ||
      typeof candidate.export !== 'function' ||
      typeof candidate.shutdown !== 'function'
    ) {
      throw new LogweaveConfigError(
        'options.exporter',
        '"otlp", "console", "file", "none" or a LogRecordExporter',
        exporter,
      );
    }
  }
  if (diagnosticWriter !== undefined && typeof diagnosticWriter !== 'function') {
    throw new LogweaveConfigError(
      'options.diagnosticWriter',
      'a function (line: string) => void',
      diagnosticWriter,
    );
  }
}

/** Reads the OTel-standard and `LOGWEAVE_` variables into the options shape. */
function readEnvironmentOptions(env: Environment): SerializableOptions {
  const level = readString(env, 'LOGWEAVE_LEVEL')?.toLowerCase();
  if (level !== undefined && !(SEVERITY_NAMES as readonly string[]).includes(level)) {
    throw new LogweaveConfigError('env:LOGWEAVE_LEVEL', `one of ${SEVERITY_NAMES.join(', ')}`, level);
  }
  const fromEnv: SerializableOptions = {
    serviceName: readString(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: readKeyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES'),
    level: level as SeverityName | undefined,
    exporter: readExporterName(env),
    otlp: {
      url: readOtlpUrl(env),
      protocol: readProtocol(env),
      headers:
        readKeyValueList(env, 'OTEL_EXPORTER_OTLP_LOGS_HEADERS') ??
        readKeyValueList(env, 'OTEL_EXPORTER_OTLP_HEADERS'),
      timeoutMillis:
        readInteger(env, 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', { min: 1 }) ??
        readInteger(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', { min: 1 }),
      compression: readCompression(env),
    },
    file: {
      path: readString(env, 'LOGWEAVE_FILE_PATH'),
      maxBytes: readInteger(env, 'LOGWEAVE_FILE_MAX_BYTES', { min: 1024 }),
      maxFiles: readInteger(env, 'LOGWEAVE_FILE_MAX_FILES', { min: 0, max: 1000 }),
    },
    batch: {
      maxQueueSize: readInteger(env, 'OTEL_BLRP_MAX_QUEUE_SIZE', { min: 1 }),
      maxExportBatchSize: readInteger(env, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', { min: 1 }),
      scheduledDelayMillis: readInteger(env, 'OTEL_BLRP_SCHEDULE_DELAY', { min: 0 }),
      exportTimeoutMillis: readInteger(env, 'OTEL_BLRP_EXPORT_TIMEOUT', { min: 1 }),
    },
    limits: {
      attributeCountLimit:
        readInteger(env, 'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', { min: 0 }) ??
        readInteger(env, 'OTEL_ATTRIBUTE_COUNT_LIMIT', { min: 0 }),
      attributeValueLengthLimit:
        readInteger(env, 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', { min: 1 }) ??
        readInteger(env, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', { min: 1 }),
    },
    requestId: { header: readString(env, 'LOGWEAVE_REQUEST_ID_HEADER') },
    redaction: readRedactionEnvironment(env),
    delivery: {
      spoolDir: readString(env, 'LOGWEAVE_SPOOL_DIR'),
      spoolMaxBytes: readInteger(env, 'LOGWEAVE_SPOOL_MAX_BYTES', { min: 65_536 }),
      replayInitialBackoffMillis: readInteger(env, 'LOGWEAVE_SPOOL_REPLAY_BACKOFF', {
        min: 1,
        max: 3_600_000,
      }),
      replayMaxBackoffMillis: readInteger(env, 'LOGWEAVE_SPOOL_REPLAY_MAX_BACKOFF', {
        min: 1,
        max: 3_600_000,
      }),
      exportDeadlineMillis: readInteger(env, 'LOGWEAVE_EXPORT_DEADLINE', { min: 1, max: 600_000 }),
      durableSeverity: readDurableSeverity(env),
      durableFsync: readBoolean(env, 'LOGWEAVE_DURABLE_FSYNC'),
      handleUncaughtErrors: readBoolean(env, 'LOGWEAVE_HANDLE_UNCAUGHT'),
    },
    handleSignals: readBoolean(env, 'LOGWEAVE_HANDLE_SIGNALS'),
    shutdownTimeoutMillis: readInteger(env, 'LOGWEAVE_SHUTDOWN_TIMEOUT', { min: 0, max: 600_000 }),
    diagnosticIntervalMillis: readInteger(env, 'LOGWEAVE_DIAGNOSTIC_INTERVAL', { min: 0 }),
  };
  return withoutUndefined(fromEnv);
}

/** Drops undefined leaves so that spreading env sections never hides a default. */
function withoutUndefined<T extends object>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined) continue;
    result[key] =
      entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? withoutUndefined(entry) : entry;
  }
  return result as T;
}

function readDurableSeverity(env: Environment): SeverityName | 'off' | undefined {
  const raw = readString(env, 'LOGWEAVE_DURABLE_SEVERITY')?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'off' || (SEVERITY_NAMES as readonly string[]).includes(raw))
    return raw as SeverityName | 'off';
  throw new LogweaveConfigError(
    'env:LOGWEAVE_DURABLE_SEVERITY',
    `off or one of ${SEVERITY_NAMES.join(', ')}`,
    raw,
  );
}

function readExporterName(env: Environment): ExporterName | undefined {
  const raw = readString(env, 'OTEL_LOGS_EXPORTER')?.toLowerCase();
  if (raw === undefined) return undefined;
  // The spec allows a list; logweave sends to one exporter, so more than one is a clear error.
  if (raw === 'otlp' || raw === 'console' || raw === 'file' || raw === 'none') return raw;
  throw new LogweaveConfigError('env:OTEL_LOGS_EXPORTER', 'one of otlp, console, file, none', raw);
}

function readOtlpUrl(env: Environment): string | undefined {
  const specific = readString(env, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  if (specific !== undefined) return checkUrl('env:OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', specific);
  const base = readString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base === undefined) return undefined;
  checkUrl('env:OTEL_EXPORTER_OTLP_ENDPOINT', base);
  return `${base.replace(/\/+$/, '')}/v1/logs`;
}

function checkUrl(path: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LogweaveConfigError(path, 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LogweaveConfigError(path, 'an absolute http(s) URL', value);
  }
  return value;
}

function readProtocol(env: Environment): OtlpProtocol | undefined {
  const name =
    env['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'] !== undefined
      ? 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  if (raw === 'http/protobuf' || raw === 'http/json') return raw;
  throw new LogweaveConfigError(`env:${name}`, '"http/protobuf" or "http/json" (grpc is not supported)', raw);
}

function readCompression(env: Environment): 'gzip' | 'none' | undefined {
  const name =
    env['OTEL_EXPORTER_OTLP_LOGS_COMPRESSION'] !== undefined
      ? 'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION'
      : 'OTEL_EXPORTER_OTLP_COMPRESSION';
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  if (raw === 'gzip' || raw === 'none') return raw;
  throw new LogweaveConfigError(`env:${name}`, '"gzip" or "none"', raw);
}

function readInheritedContext(env: Environment): InheritedContext | undefined {
  const traceparent = readString(env, 'TRACEPARENT');
  if (traceparent === undefined) return undefined;
  return withoutUndefined({
    traceparent,
    tracestate: readString(env, 'TRACESTATE'),
    baggage: readString(env, 'BAGGAGE'),
    requestId: readString(env, 'LOGWEAVE_REQUEST_ID'),
  });
}
