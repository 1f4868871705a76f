import type { Attributes, MeterProvider } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { LogweaveConfigError } from '../core/config-error.ts';
import { DEFAULTS } from '../core/defaults.ts';
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
  OtlpOptions,
  RequestIdOptions,
} from './logging-options.ts';
import { optionsSchema, type SerializableOptions } from './options-schema.ts';
import { readEnvironment, type InheritedContext } from './read-environment.ts';
import type { RedactionOptions } from './redaction-options.ts';
import type { SamplingOptions } from './sampling-options.ts';
import { validateWithSchema } from './validate-with-schema.ts';

export type { InheritedContext } from './read-environment.ts';

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
  const { exporter, meterProvider, diagnosticWriter, env: _env, config, ...serializable } = options;
  if (config !== undefined && (typeof config !== 'string' || config.trim() === '')) {
    throw new LogweaveConfigError('options.config', 'the path of a YAML or JSON file', config);
  }
  const fromCode = validateWithSchema(optionsSchema, serializable, 'options');
  checkCodeOnlyOptions(exporter, diagnosticWriter);
  const environment = readEnvironment(env);
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
  const serviceName = pick('serviceName') ?? DEFAULTS.serviceName;
  return {
    serviceName,
    resourceAttributes: {
      ...environment.options.resourceAttributes,
      ...fromFile.resourceAttributes,
      ...fromCode.resourceAttributes,
    },
    level: pick('level') ?? DEFAULTS.level,
    exporter: exporter ?? pick('exporter') ?? DEFAULTS.exporter,
    otlp: {
      ...(section('otlp') as ResolvedOptions['otlp']),
      // Headers merge key by key, as the OTel exporters do: a platform's Authorization (env)
      // survives an application's extra header (code); the same key is taken from the higher layer.
      headers: { ...environment.options.otlp?.headers, ...fromFile.otlp?.headers, ...fromCode.otlp?.headers },
    },
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
    captureConsole: pick('captureConsole') ?? DEFAULTS.captureConsole,
    shutdownTimeoutMillis: pick('shutdownTimeoutMillis') ?? DEFAULTS.shutdownTimeoutMillis,
    diagnosticIntervalMillis: pick('diagnosticIntervalMillis') ?? DEFAULTS.diagnosticIntervalMillis,
    diagnosticWriter: diagnosticWriter ?? writeToStderr,
    meterProvider,
    inheritedContext: environment.inherited,
  };
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
