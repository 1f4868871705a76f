import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import { SEVERITY_NUMBER_BY_NAME } from '../core/severity.ts';

/** The SDK provider of a pipeline: its resource, its limits, and `level` as every logger's minimum. */
export function buildProvider(
  resolved: ResolvedOptions,
  head: LogRecordProcessor,
  resource: Resource,
): LoggerProvider {
  return new LoggerProvider({
    resource,
    logRecordLimits: {
      attributeCountLimit: resolved.limits.attributeCountLimit,
      attributeValueLengthLimit: resolved.limits.attributeValueLengthLimit,
    },
    processors: [head],
    loggerConfigurator: () => ({
      enabled: true,
      minimumSeverity: SEVERITY_NUMBER_BY_NAME[resolved.level],
      traceBased: false,
    }),
  });
}
