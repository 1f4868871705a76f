import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DiagnosticReporter } from '../diagnostics/diagnostic-reporter.ts';
import type { LoggingStats } from '../processors/logging-stats.ts';
import { ConsoleLineExporter } from './console-exporter.ts';
import { OtlpJsonFileExporter } from './file-exporter.ts';
import { createOtlpExporter } from './otlp-exporter.ts';
import { ReportingExporter } from './reporting-exporter.ts';

/** The exporter for the resolved options, wrapped for counting; undefined for `none`. */
export function createExporter(
  options: ResolvedOptions,
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
): LogRecordExporter | undefined {
  let inner: LogRecordExporter;
  let destination: string;
  const exporter = options.exporter;
  if (typeof exporter !== 'string') {
    inner = exporter;
    destination = `the configured exporter (${exporter.constructor.name})`;
  } else if (exporter === 'none') {
    return undefined;
  } else if (exporter === 'console') {
    inner = new ConsoleLineExporter();
    destination = 'stdout';
  } else if (exporter === 'file') {
    inner = new OtlpJsonFileExporter({ path: options.file.path });
    destination = `the file ${options.file.path}`;
  } else {
    inner = createOtlpExporter(options.otlp);
    destination = `the OTLP endpoint ${options.otlp.url} (${options.otlp.protocol})`;
  }
  return new ReportingExporter({ inner, stats, diagnostics, destination });
}
