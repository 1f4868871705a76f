import type { Logger } from '@opentelemetry/api';
import { resourceFromAttributes, defaultResource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { SerializingExporter } from '../harness/serializing-exporter.ts';

/** The stock OTel pipeline: `LoggerProvider` + `BatchLogRecordProcessor` (defaults) + the exporter. */
export interface RawOtelPipeline {
  provider: LoggerProvider;
  exporter: SerializingExporter;
  logger: Logger;
}

export function createRawOtelPipeline(moduleName: string): RawOtelPipeline {
  const exporter = new SerializingExporter();
  const provider = new LoggerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'bench' })),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  return { provider, exporter, logger: provider.getLogger(moduleName) };
}
