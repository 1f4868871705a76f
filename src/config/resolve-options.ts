import type { Attributes, MeterProvider } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { LogweaveConfigError } from '../core/config-error.ts';
import { DEFAULT_GRPC_URL, DEFAULTS } from '../core/defaults.ts';
import type { SeverityName } from '../core/severity.ts';
import { loadConfigFile } from './config-file.ts';
import type { Environment } from './env-parsers.ts';
import type { DeliveryOptions } from './delivery-options.ts';
import type {
  BatchOptions,
  ExporterName,
  FileSinkOptions,
  LimitOptions,
  LoggingOptions,
  OtlpHeaderProvider,
  OtlpOptions,
  RequestIdOptions,
  ResourceDetectorName,
} from './logging-options.ts';
import { RESOURCE_DETECTOR_NAMES } from './logging-options.ts';
import { readTlsFiles, type TlsFileSource, type TlsMaterial } from './read-tls-files.ts';
import { optionsSchema, type SerializableOptions } from './options-schema.ts';
import { readEnvironment, type InheritedContext } from './read-environment.ts';
import type { RedactionOptions } from './redaction-options.ts';
import type { SamplingOptions } from './sampling-options.ts';
import { validateWithSchema } from './validate-with-schema.ts';

export type { InheritedContext } from './read-environment.ts';

/** What `OTEL_EXPORTER_OTLP_ENDPOINT` gets appended for OTLP/HTTP (see `env-parsers.ts`). */
const SIGNAL_PATH = '/v1/logs';

/** Options after precedence and defaults: every field has its final value. */
export interface ResolvedOptions {
  serviceName: string;
  resourceAttributes: Attributes;
  /** The detectors to run, `all` and `none` expanded. */
  resourceDetectors: readonly ResourceDetectorName[];
  level: SeverityName;
  exporter: ExporterName | readonly ExporterName[] | LogRecordExporter;
  otlp: Required<Pick<OtlpOptions, 'url' | 'protocol' | 'timeoutMillis' | 'compression'>> &
    Pick<OtlpOptions, 'certificateFile' | 'clientKeyFile' | 'clientCertificateFile'> & {
      headers: Record<string, string>;
    };
  /** `otlp.headers` given as a function (code only); its keys win over `otlp.headers`. */
  otlpHeaderProvider: OtlpHeaderProvider | undefined;
  /** The contents of the TLS files, read at start. */
  otlpTls: TlsMaterial;
  /** `OTEL_SDK_DISABLED=true`: `createLogging()` builds a no-op pipeline. */
  sdkDisabled: boolean;
  /** OTel variables that were ignored (invalid values), reported once through the diagnostics. */
  environmentWarnings: readonly string[];
  file: Required<FileSinkOptions>;
  batch: Required<BatchOptions>;
  limits: Required<LimitOptions>;
  requestId: Required<RequestIdOptions>;
  sampling: SamplingOptions | undefined;
  /** Seed of the sequence that decides records outside any trace and request (default: the service name). */
  samplingSeed: string;
  redaction: RedactionOptions;
  delivery: Required<Omit<DeliveryOptions, 'spoolDir'>> & Pick<DeliveryOptions, 'spoolDir'>;
  /** The signal secret, undefined when signals are off. */
  signalSecret: string | undefined;
  /** The config file (`config` / `LOGWEAVE_CONFIG`), undefined when there is none. */
  configPath: string | undefined;
  /** Whether the config file is watched for changes (`LOGWEAVE_CONFIG_WATCH`). Default: true. */
  configWatch: boolean;
  handleSignals: boolean;
  registerGlobal: boolean;
  captureConsole: boolean;
  shutdownTimeoutMillis: number;
  diagnosticIntervalMillis: number;
  diagnosticWriter: (line: string) => void;
  meterProvider: MeterProvider | undefined;
  /** The trace a parent process handed down (`TRACEPARENT`…), undefined when there is none. */
  inheritedContext: InheritedContext | undefined;
}

/**
 * Applies the precedence written in the README: 1. options 2. config file 3. env vars 4. defaults.
 * Throws `LogweaveConfigError` for any invalid value, naming where it came from.
 */
export function resolveOptions(options: LoggingOptions = {}): ResolvedOptions {
  const env: Environment = options.env ?? process.env;
  const { exporter: exporterOption, meterProvider, diagnosticWriter, env: _env, config, ...rest } = options;
  if (config !== undefined && (typeof config !== 'string' || config.trim() === '')) {
    throw new LogweaveConfigError('options.config', 'the path of a YAML or JSON file', config);
  }
  // Code-only values are taken out before the schema sees the serialisable rest.
  const exporterInstance = isExporterName(exporterOption) ? undefined : exporterOption;
  const { otlp: otlpOption, ...others } = rest;
  const headerProvider = typeof otlpOption?.headers === 'function' ? otlpOption.headers : undefined;
  const serializable = {
    ...others,
    ...(otlpOption === undefined
      ? {}
      : { otlp: headerProvider === undefined ? otlpOption : { ...otlpOption, headers: undefined } }),
    ...(exporterInstance === undefined && exporterOption !== undefined ? { exporter: exporterOption } : {}),
  };
  const fromCode = validateWithSchema(optionsSchema, serializable, 'options');
  checkCodeOnlyOptions(exporterInstance, diagnosticWriter);
  const environment = readEnvironment(env);
  const warnings = [...environment.warnings];
  const configPath = config ?? environment.configPath;
  const fromFile: SerializableOptions = configPath === undefined ? {} : loadConfigFile(configPath);
  const layers = [fromCode, fromFile, environment.options] as const;
  const pick = <K extends keyof SerializableOptions>(key: K): SerializableOptions[K] =>
    layers.find((layer) => layer[key] !== undefined)?.[key];
  // Sections merge field by field: a file may set `batch.maxQueueSize` and env the schedule delay.
  const section = <K extends keyof typeof SECTION_DEFAULTS>(key: K) =>
    Object.assign(
      {},
      SECTION_DEFAULTS[key],
      environment.options[key],
      fromFile[key],
      fromCode[key],
    ) as Required<NonNullable<SerializableOptions[K]>>;
  const batch = section('batch');
  const otlp = section('otlp') as ResolvedOptions['otlp'];
  // gRPC has its own port and no signal path: the default follows the protocol, and the general
  // endpoint is used as it is (the spec appends `/v1/logs` for OTLP/HTTP only).
  if (otlp.protocol === 'grpc' && layers.every((layer) => layer.otlp?.url === undefined)) {
    otlp.url = DEFAULT_GRPC_URL;
  } else if (
    otlp.protocol === 'grpc' &&
    fromCode.otlp?.url === undefined &&
    fromFile.otlp?.url === undefined &&
    (env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] ?? '').trim() === '' &&
    otlp.url.endsWith(SIGNAL_PATH)
  ) {
    otlp.url = otlp.url.slice(0, -SIGNAL_PATH.length);
  }
  const serviceName = resolveServiceName(fromCode, fromFile, environment.options);
  return {
    serviceName,
    resourceAttributes: {
      ...environment.options.resourceAttributes,
      ...fromFile.resourceAttributes,
      ...fromCode.resourceAttributes,
    },
    resourceDetectors: expandDetectors(pick('resourceDetectors') ?? DEFAULTS.resourceDetectors),
    level: pick('level') ?? DEFAULTS.level,
    exporter: exporterInstance ?? pick('exporter') ?? DEFAULTS.exporter,
    otlp: {
      ...otlp,
      // Headers merge key by key, as the OTel exporters do: a platform's Authorization (env)
      // survives an application's extra header (code); the same key is taken from the higher layer.
      headers: { ...environment.options.otlp?.headers, ...fromFile.otlp?.headers, ...fromCode.otlp?.headers },
    },
    otlpHeaderProvider: headerProvider,
    otlpTls: readTlsFiles(tlsSources(layers), warnings),
    sdkDisabled: environment.sdkDisabled,
    environmentWarnings: warnings,
    file: section('file'),
    // The SDK clamps a batch larger than the queue; doing it here keeps the resolved view honest.
    batch: { ...batch, maxExportBatchSize: Math.min(batch.maxExportBatchSize, batch.maxQueueSize) },
    limits: section('limits'),
    requestId: { ...section('requestId'), header: section('requestId').header.toLowerCase() },
    sampling: fromCode.sampling ?? fromFile.sampling,
    samplingSeed: pick('samplingSeed') ?? serviceName,
    redaction: { ...environment.options.redaction, ...fromFile.redaction, ...fromCode.redaction },
    delivery: checkDelivery(section('delivery')),
    signalSecret: fromCode.signals?.secret ?? fromFile.signals?.secret ?? environment.options.signals?.secret,
    configPath,
    configWatch: environment.configWatch ?? true,
    handleSignals: pick('handleSignals') ?? DEFAULTS.handleSignals,
    registerGlobal: pick('registerGlobal') ?? DEFAULTS.registerGlobal,
    captureConsole: pick('captureConsole') ?? DEFAULTS.captureConsole,
    shutdownTimeoutMillis: pick('shutdownTimeoutMillis') ?? DEFAULTS.shutdownTimeoutMillis,
    diagnosticIntervalMillis: pick('diagnosticIntervalMillis') ?? DEFAULTS.diagnosticIntervalMillis,
    diagnosticWriter: diagnosticWriter ?? writeToStderr,
    meterProvider,
    inheritedContext: environment.inherited,
  };
}

/**
 * `serviceName` (code, file), then `service.name` in `resourceAttributes` (code, file), then
 * `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`: the OTel SDK's order
 * for the environment, with explicit configuration above it.
 */
function resolveServiceName(
  fromCode: SerializableOptions,
  fromFile: SerializableOptions,
  fromEnv: SerializableOptions,
): string {
  const named = (attributes: SerializableOptions['resourceAttributes']): string | undefined => {
    const value = attributes?.['service.name'];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return (
    fromCode.serviceName ??
    fromFile.serviceName ??
    named(fromCode.resourceAttributes) ??
    named(fromFile.resourceAttributes) ??
    fromEnv.serviceName ??
    named(fromEnv.resourceAttributes) ??
    DEFAULTS.serviceName
  );
}

/** Every detector `all` stands for: the names of `RESOURCE_DETECTOR_NAMES` but the two keywords. */
const ALL_DETECTORS: readonly ResourceDetectorName[] = RESOURCE_DETECTOR_NAMES.filter(
  (name) => name !== 'all' && name !== 'none',
);

/** `all` → every detector; `none` → none (wins, as in the SDK); repeats removed. */
function expandDetectors(
  value: ResourceDetectorName | readonly ResourceDetectorName[],
): readonly ResourceDetectorName[] {
  const names: readonly ResourceDetectorName[] = typeof value === 'string' ? [value] : value;
  if (names.includes('none')) return [];
  return [...new Set(names.flatMap((name) => (name === 'all' ? ALL_DETECTORS : [name])))];
}

/** Each TLS file path with the layer that set it (the highest one wins, as for every option). */
function tlsSources(layers: readonly SerializableOptions[]): {
  ca?: TlsFileSource;
  key?: TlsFileSource;
  cert?: TlsFileSource;
} {
  const [code, file] = layers;
  const find = (
    field: 'certificateFile' | 'clientKeyFile' | 'clientCertificateFile',
    envNames: readonly [string, string],
  ): TlsFileSource | undefined => {
    if (code?.otlp?.[field] !== undefined) return { path: code.otlp[field], where: `options.otlp.${field}` };
    if (file?.otlp?.[field] !== undefined) return { path: file.otlp[field], where: `config.otlp.${field}` };
    const path = layers[2]?.otlp?.[field];
    // The signal-specific variable wins; which of the two set it only matters for the message.
    return path === undefined ? undefined : { path, where: `env:${envNames.join(' or ')}` };
  };
  const sources: { ca?: TlsFileSource; key?: TlsFileSource; cert?: TlsFileSource } = {};
  const ca = find('certificateFile', [
    'OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE',
    'OTEL_EXPORTER_OTLP_CERTIFICATE',
  ]);
  const key = find('clientKeyFile', ['OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY']);
  const cert = find('clientCertificateFile', [
    'OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE',
    'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  ]);
  if (ca !== undefined) sources.ca = ca;
  if (key !== undefined) sources.key = key;
  if (cert !== undefined) sources.cert = cert;
  return sources;
}

function isExporterName(value: unknown): value is ExporterName | readonly ExporterName[] | undefined {
  return value === undefined || typeof value === 'string' || Array.isArray(value);
}

/** Defaults of the sections that merge field by field (`DEFAULTS` holds them; nothing is restated). */
const SECTION_DEFAULTS = {
  otlp: { ...DEFAULTS.otlp, headers: {} },
  file: DEFAULTS.file,
  batch: DEFAULTS.batch,
  limits: DEFAULTS.limits,
  requestId: DEFAULTS.requestId,
  delivery: DEFAULTS.delivery,
} as const;

function checkDelivery(delivery: ResolvedOptions['delivery']): ResolvedOptions['delivery'] {
  if (delivery.durableSeverity !== 'off' && delivery.spoolDir === undefined) {
    throw new LogweaveConfigError(
      'delivery.durableSeverity',
      `"off" unless delivery.spoolDir (LOGWEAVE_SPOOL_DIR) is set: the records are written to the spool`,
      delivery.durableSeverity,
    );
  }
  if (delivery.replayInitialBackoffMillis > delivery.replayMaxBackoffMillis) {
    throw new LogweaveConfigError(
      'delivery.replayInitialBackoffMillis',
      `at most delivery.replayMaxBackoffMillis (${delivery.replayMaxBackoffMillis})`,
      delivery.replayInitialBackoffMillis,
    );
  }
  return delivery;
}

function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

function checkCodeOnlyOptions(exporter: unknown, diagnosticWriter: unknown): void {
  if (exporter !== undefined) {
    const candidate = exporter as Partial<LogRecordExporter> | null;
    if (
      candidate === null ||
      typeof candidate.export !== 'function' ||
      typeof candidate.shutdown !== 'function'
    ) {
      throw new LogweaveConfigError(
        'options.exporter',
        '"otlp", "console", "file", "otlp/stdout", "none", a list of these, or a LogRecordExporter',
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
