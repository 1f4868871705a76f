import { ConfigReloader } from '../config/config-reloader.ts';
import type { ResolvedOptions } from '../config/resolve-options.ts';
import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { SamplingProcessor } from '../pipeline/sampling-processor.ts';

/**
 * Reloads the config file's `sampling` section into `sampling` (on change, SIGHUP and
 * `reloadConfig()`); undefined without a config file. A sampling section given in code wins over
 * the file and is never replaced.
 */
export function buildReloader(
  resolved: ResolvedOptions,
  samplingInCode: boolean,
  sampling: SamplingProcessor,
  diagnostics: DiagnosticReporter,
): ConfigReloader | undefined {
  if (resolved.configPath === undefined) return undefined;
  return new ConfigReloader({
    path: resolved.configPath,
    applySampling: (section) => {
      if (!samplingInCode) sampling.updatePolicy(section);
    },
    report: (message) => diagnostics.report('config_reload', message),
    watch: resolved.configWatch,
    signal: resolved.handleSignals,
  });
}
