import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The README's gateway recipe, as a file the sampler-interop test runs. */
export const GATEWAY_RECIPE_FILE = fileURLToPath(
  new URL('../../examples/collector/otelcol-gateway.yaml', import.meta.url),
);

/** Where a test Collector listens and writes (file exporter, OTLP JSON lines). */
export interface TestCollectorTarget {
  httpPort: number;
  outputFile: string;
}

function fileExporter(outputFile: string): Record<string, unknown> {
  return { path: outputFile, format: 'json', flush_interval: '100ms' };
}

const quietTelemetry = { metrics: { level: 'none' }, logs: { level: 'info' } };

/**
 * The gateway recipe with only what cannot stay as written replaced: the receiver's endpoint
 * (127.0.0.1 and a free port), the `otlp_http` exporter (a file the test reads) and the
 * sampler's percentage. Its processors, connectors and pipelines run as they are.
 */
export async function gatewayRecipeConfig(
  target: TestCollectorTarget,
  samplingPercentage: number,
): Promise<string> {
  const config = parse(await readFile(GATEWAY_RECIPE_FILE, 'utf8')) as {
    receivers: { otlp: { protocols: { http: { endpoint: string } } } };
    processors: { probabilistic_sampler: { sampling_percentage: number } };
    exporters: Record<string, unknown>;
    service: { pipelines: Record<string, { exporters: string[] }>; telemetry?: unknown };
  };
  config.receivers.otlp.protocols.http.endpoint = `127.0.0.1:${target.httpPort}`;
  config.processors.probabilistic_sampler.sampling_percentage = samplingPercentage;
  if (!('otlp_http' in config.exporters)) throw new Error(`${GATEWAY_RECIPE_FILE} has no otlp_http exporter`);
  config.exporters = { file: fileExporter(target.outputFile) };
  for (const pipeline of Object.values(config.service.pipelines)) {
    pipeline.exporters = pipeline.exporters.map((name) => (name === 'otlp_http' ? 'file' : name));
  }
  config.service.telemetry = quietTelemetry;
  return JSON.stringify(config, null, 2) + '\n';
}

/**
 * One logs pipeline, OTLP receiver → [probabilistic_sampler] → file, with no batch processor:
 * the receiver answers only after the file exporter took the records. `sampler` undefined: no
 * sampling at all. `sampling_priority: e2e.priority` lets a test's sentinel record through
 * whatever the mode (a priority of 100 % overrides the decision, even a fail-closed one).
 */
export function singlePipelineConfig(
  target: TestCollectorTarget,
  sampler?: { mode?: 'proportional' | 'equalizing'; samplingPercentage: number },
): string {
  const processors: Record<string, unknown> = {};
  if (sampler !== undefined) {
    processors['probabilistic_sampler'] = {
      ...(sampler.mode === undefined ? {} : { mode: sampler.mode }),
      sampling_percentage: sampler.samplingPercentage,
      sampling_priority: 'e2e.priority',
    };
  }
  const config = {
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${target.httpPort}` } } } },
    processors,
    exporters: { file: fileExporter(target.outputFile) },
    service: {
      telemetry: quietTelemetry,
      pipelines: {
        logs: { receivers: ['otlp'], processors: Object.keys(processors), exporters: ['file'] },
      },
    },
  };
  return JSON.stringify(config, null, 2) + '\n';
}
