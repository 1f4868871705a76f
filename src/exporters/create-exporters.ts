import type { ExporterName } from '../config/logging-options.ts';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { LoggingStats } from '../core/stats.ts';
import { createExporter, type ExporterSetup } from './create-exporter.ts';
import { FanOutExporter } from './fan-out-exporter.ts';

/**
 * The exporters `exporter` names: one, or a list (`OTEL_LOGS_EXPORTER=otlp,console`), each getting
 * every record. As in the OTel SDK, a list holding `none` exports nothing. Undefined for none.
 */
export function createExporters(
  options: ResolvedOptions,
  stats: LoggingStats,
  diagnostics: DiagnosticReporter,
): ExporterSetup | undefined {
  if (!Array.isArray(options.exporter)) return createExporter(options, stats, diagnostics);
  const names = options.exporter as readonly ExporterName[];
  if (names.includes('none')) return undefined;
  const setups = names
    .map((name) => createExporter({ ...options, exporter: name }, stats, diagnostics))
    .filter((setup): setup is ExporterSetup => setup !== undefined);
  if (setups.length <= 1) return setups[0];
  return {
    exporter: new FanOutExporter(setups.map((setup) => setup.exporter)),
    hurry(millis) {
      const releases = setups.map((setup) => setup.hurry(millis));
      return () => releases.forEach((release) => release());
    },
    keepAtExit(pending) {
      for (const setup of setups) setup.keepAtExit(pending);
    },
    // Each exporter's journal sees every record; the batch processor is shared.
    wrapQueue: (batch) => setups.reduce((wrapped, setup) => setup.wrapQueue(wrapped), batch),
    inSpool: () => setups.reduce((sum, setup) => sum + setup.inSpool(), 0),
  };
}
