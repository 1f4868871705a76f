/**
 * logweave: request-scoped, consistently sampled logs for Node.js services, delivered over OTLP.
 * The only public barrel; `logweave/express` and `logweave/fastify` hold the integrations.
 */
export { createLogging, type Logging } from './create-logging.ts';
export { Logger, type LogAttributes } from './logger.ts';
export type {
  BatchOptions,
  ExporterName,
  FileSinkOptions,
  LimitOptions,
  LoggingOptions,
  OtlpOptions,
  OtlpProtocol,
  RequestIdOptions,
} from './config/logging-options.ts';
export type {
  BurstOptions,
  ErrorBufferOptions,
  SamplingOptions,
  SeverityProbabilities,
} from './config/sampling-options.ts';
export type { ConfigReloadResult } from './config/config-reloader.ts';
export { SAMPLING_ATTRIBUTES } from './sampling/sampling-attributes.ts';
export { BURST_ATTRIBUTES } from './sampling/burst-summary-record.ts';
export { SAMPLING_DEFAULTS } from './processors/sampling-processor.ts';
export { STATS_METRICS } from './processors/stats-metrics.ts';
export type { RedactionOptions } from './config/redaction-options.ts';
export type { DeliveryOptions } from './config/delivery-options.ts';
export type { SeverityName } from './config/severity.ts';
export { LogweaveConfigError } from './config/logweave-config-error.ts';
export { DEFAULTS } from './config/resolve-options.ts';
export {
  getRequestContext,
  runWithRequestContext,
  tryGetRequestContext,
  type RequestContext,
  type RequestContextInput,
} from './context/request-context.ts';
export { markRequestFailed } from './context/request-lifecycle.ts';
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
export type { DropReason, StatsSnapshot } from './processors/logging-stats.ts';
export { REQUEST_ID_ATTRIBUTE } from './processors/context-processor.ts';
