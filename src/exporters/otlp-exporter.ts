import { OTLPLogExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpHttpProtobufExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';

/**
 * The official OTLP/HTTP exporter for the resolved protocol, configured from resolved options
 * (which already applied `OTEL_EXPORTER_OTLP_*`), so what is logged as "the endpoint" is exactly
 * what is used. Its own retry loop (429/502/503/504 and network errors, with Retry-After) runs
 * before logweave sees a failure.
 */
export function createOtlpExporter(otlp: ResolvedOptions['otlp']): LogRecordExporter {
  const config = {
    url: otlp.url,
    headers: otlp.headers,
    timeoutMillis: otlp.timeoutMillis,
    compression: otlp.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
  };
  return otlp.protocol === 'http/json'
    ? new OtlpHttpJsonExporter(config)
    : new OtlpHttpProtobufExporter(config);
}
