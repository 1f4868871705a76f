import type { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import type { Logger } from '../logger/logger.ts';

/**
 * The part of `Logging` (what `createLogging()` returns) a log bridge uses: a facade logger per
 * module, whose gates and limits the bridged records share, and the rate-limited diagnostic.
 */
export interface LoggerSource {
  getLogger(name: string): Logger;
  readonly diagnostics: DiagnosticReporter;
}
