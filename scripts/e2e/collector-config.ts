/** How the e2e Collector is configured for one run. */
export interface CollectorConfigOptions {
  /** OTLP/HTTP receiver port on 127.0.0.1. */
  httpPort: number;
  /** The file exporter's output file (its directory must exist). */
  outputFile: string;
  /**
   * `buffered`: the recipe's setup — batch processor, file exporter buffering with
   * `flush_interval: 100ms`. `durable`: no batch processor and an unbuffered file writer, so the
   * receiver answers 200 only after the records reached the file (the kill test needs this:
   * otherwise a SIGKILL also loses what the Collector acknowledged but still held in memory,
   * which no sender can prevent).
   */
  mode: 'buffered' | 'durable';
  /**
   * The memory limiter's hard limit. The default (512 MiB) is never reached here; 1 MiB is below
   * any Collector's own heap, so every request is refused (HTTP 503) from the first check on.
   */
  memoryLimitMib?: number;
}

/**
 * The Collector configuration as YAML text (JSON is YAML, which keeps this free of escaping
 * rules). `service.telemetry.metrics.level: none` keeps it from listening on :8888.
 */
export function collectorConfig(options: CollectorConfigOptions): string {
  const limitMib = options.memoryLimitMib ?? 512;
  const fileExporter: Record<string, unknown> = {
    path: options.outputFile,
    format: 'json',
    flush_interval: '100ms',
  };
  if (options.mode === 'durable') {
    // With rotation configured the exporter writes straight to the file (no bufio layer).
    fileExporter['rotation'] = { max_megabytes: 1024, max_backups: 1 };
  }
  const processors = options.mode === 'durable' ? ['memory_limiter'] : ['memory_limiter', 'batch'];
  const config = {
    receivers: {
      otlp: { protocols: { http: { endpoint: `127.0.0.1:${options.httpPort}` } } },
    },
    processors: {
      memory_limiter: {
        check_interval: '100ms',
        limit_mib: limitMib,
        spike_limit_mib: Math.max(0, Math.floor(limitMib / 5)),
      },
      batch: { timeout: '200ms', send_batch_size: 512 },
    },
    exporters: {
      file: fileExporter,
      debug: { verbosity: 'basic' },
    },
    service: {
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: { logs: { receivers: ['otlp'], processors, exporters: ['file', 'debug'] } },
    },
  };
  return JSON.stringify(config, null, 2) + '\n';
}
