/**
 * logweave: request-scoped, consistently sampled logs for Node.js services, delivered over OTLP.
 * The only public barrel; `logweave/express` and `logweave/fastify` hold the integrations.
 */
export { createLogging, type Logging } from './create-logging.ts';
export { Logger, type LogAttributes } from './logger/logger.ts';
export type {
  BatchOptions,
  ExporterName,
  FileSinkOptions,
  LimitOptions,
  LoggingOptions,
  OtlpHeaderProvider,
  OtlpOptions,
  OtlpProtocol,
  RequestIdOptions,
  ResourceDetectorName,
} from './config/logging-options.ts';
export type {
  BurstOptions,
  ErrorBufferOptions,
  SamplingOptions,
  SeverityProbabilities,
} from './config/sampling-options.ts';
export type { ConfigReloadResult } from './config/config-reloader.ts';
export { SAMPLING_ATTRIBUTES } from './core/attribute-names.ts';
export { BURST_ATTRIBUTES, REQUEST_ID_ATTRIBUTE } from './core/attribute-names.ts';
export { STATS_METRICS } from './core/metric-names.ts';
export type { RedactionOptions } from './config/redaction-options.ts';
export type { DeliveryOptions } from './config/delivery-options.ts';
export type { SeverityName } from './core/severity.ts';
export { LogweaveConfigError } from './core/config-error.ts';
export { DEFAULTS } from './core/defaults.ts';
export { getRequestContext, tryGetRequestContext, type RequestContext } from './context/request-context.ts';
export type { HeaderRecord, HeadersLike, HeaderValue, IncomingHeaders } from './context/w3c-carrier.ts';
export type { RequestContextInput, RequestIdSettings } from './context/create-request-context.ts';
export { runWithRequestContext } from './context/run-with-request-context.ts';
export { markRequestFailed, releaseTrace, type FailureReason } from './context/request-lifecycle.ts';
export {
  FAILED_OUTCOME,
  noteCallee,
  observeResponse,
  OUTCOME_HEADER,
  type CallOptions,
  type ResponseHeaders,
} from './context/upstream-failure.ts';
export { createKeepToken, KEEP_BAGGAGE_KEY, keepBaggage } from './context/keep-token.ts';
export { RELEASE_PATH } from './context/release-notifier.ts';
export { RELEASE_RULES, type ReleaseRule } from './core/attribute-names.ts';
export {
  captureContext,
  contextToEnv,
  fetchWithContext,
  injectContext,
  propagationHeaders,
  runWithCapturedContext,
  type CapturedContext,
  type OutgoingClient,
  type OutgoingHeaders,
} from './context/outgoing-propagation.ts';
export type { DropReason, StatsSnapshot } from './core/stats.ts';

// The SDK components createLogging() assembles, usable on their own (NodeSDK, LoggerProvider).
export {
  RequestContextProcessor,
  type RequestContextProcessorOptions,
} from './pipeline/request-context-processor.ts';
export { RedactionProcessor, type RedactionProcessorOptions } from './pipeline/redaction-processor.ts';
export { SamplingProcessor, type SamplingProcessorOptions } from './pipeline/sampling-processor.ts';
export {
  DurableOtlpLogExporter,
  type DurableOtlpLogExporterOptions,
} from './exporters/durable-otlp-log-exporter.ts';
export { OtlpJsonFileExporter } from './exporters/file-exporter.ts';
export { ConsoleLineExporter } from './exporters/console-exporter.ts';
export {
  OtlpJsonStreamExporter,
  type LineStream,
  type OtlpJsonStreamExporterOptions,
} from './exporters/otlp-json-stream-exporter.ts';
export { LoggingStats } from './core/stats.ts';
export { DiagnosticReporter, type DiagnosticReporterOptions } from './core/diagnostic-reporter.ts';
export { LogweaveError, type LogweaveErrorCode } from './core/logweave-error.ts';
export type { ProcessContext } from './context/process-context.ts';
export type { PrintableOptions } from './config/printable-options.ts';
export type { SignalOptions } from './config/logging-options.ts';
export type { ForeignRecord } from './logger/logger.ts';
// Referenced by public signatures (checked by scripts/check-public-types.ts).
export type { ResolvedOptions } from './config/resolve-options.ts';
export type { TlsMaterial } from './config/read-tls-files.ts';
export type { InheritedContext } from './config/read-environment.ts';
export type { ChainedProcessor, EnabledOptions } from './pipeline/chained-processor.ts';
