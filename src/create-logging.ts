import type { Context } from '@opentelemetry/api';
import { resourceFromAttributes, defaultResource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LoggingOptions } from './config/logging-options.ts';
import { resolveOptions, type ResolvedOptions } from './config/resolve-options.ts';
import { SEVERITY_NUMBER_BY_NAME } from './config/severity.ts';
import { ensureContextManager } from './context/context-manager.ts';
import { processContextFrom } from './context/process-context.ts';
import {
  createRequestContext,
  runWithRequestContext,
  setDefaultRequestIdSettings,
  type RequestContext,
  type RequestContextInput,
  type RequestIdSettings,
} from './context/request-context.ts';
import { DiagnosticReporter } from './diagnostics/diagnostic-reporter.ts';
import { internalErrorReporter, reportPipelineDrops } from './diagnostics/pipeline-diagnostics.ts';
import { createExporter } from './exporters/create-exporter.ts';
import { boundedBy } from './lifecycle/bounded-by.ts';
import { registerExitHooks } from './lifecycle/exit-hooks.ts';
import { exportBudgetMillis } from './lifecycle/flush-budget.ts';
import { pipelineFinisher } from './lifecycle/finish-pipeline.ts';
import { PendingRecords } from './lifecycle/pending-records.ts';
import { registerSignalFlush } from './lifecycle/signal-handlers.ts';
import { registerUncaughtErrorHandler } from './lifecycle/uncaught-errors.ts';
import { Logger } from './logger.ts';
import { ContextProcessor } from './processors/context-processor.ts';
import { DiscardProcessor } from './processors/discard-processor.ts';
import { LoggingStats, type StatsSnapshot } from './processors/logging-stats.ts';
import { createQueueDropMeterProvider } from './processors/queue-drop-meter.ts';
import { RedactionProcessor } from './processors/redaction-processor.ts';
import { SamplingProcessor } from './processors/sampling-processor.ts';
import { registerStatsMetrics } from './processors/stats-metrics.ts';
import { ConfigReloader, readConfigWatch, type ConfigReloadResult } from './config/config-reloader.ts';
import { LogweaveConfigError } from './config/logweave-config-error.ts';

/** What `createLogging()` returns. */
export interface Logging {
  /** A logger for a module; the name is the OTel instrumentation scope (`payments.stripe`). */
  getLogger(name: string): Logger;
  /** The SDK provider, for `@opentelemetry/api-logs`-style code and log instrumentations. */
  readonly loggerProvider: LoggerProvider;
  /** The head of logweave's processor chain, to hand to `NodeSDK({ logRecordProcessors })`. */
  readonly processor: LogRecordProcessor;
  /** Exports everything kept so far; resolves within `shutdownTimeoutMillis`. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; resolves within `shutdownTimeoutMillis`. Idempotent. */
  shutdown(): Promise<void>;
  /** Kept, dropped (by reason) and exported counts so far. */
  stats(): StatsSnapshot;
  /**
   * Re-reads the config file (`config` / `LOGWEAVE_CONFIG`) and applies its `sampling` section
   * now; the file is also reloaded on change and on SIGHUP. An invalid file keeps the policy in
   * force and the result says why. Sampling given in code takes precedence and is not replaced.
   */
  reloadConfig(): ConfigReloadResult;
  /** `runWithRequestContext` with this pipeline's request-id settings. */
  runWithRequestContext<T>(input: RequestContextInput, fn: () => T): T;
  /** Builds (without entering) a request's context; integrations enter it themselves. */
  createRequestContext(
    input: RequestContextInput,
    parent?: Context,
  ): { context: Context; request: RequestContext };
  /** The request-id header name and length cap in force. */
  readonly requestIdSettings: RequestIdSettings;
  /** The options after precedence and defaults. */
  readonly resolvedOptions: ResolvedOptions;
  /** @internal Reports a fault through the rate-limited diagnostic (used by integrations). */
  readonly diagnostics: DiagnosticReporter;
}

/**
 * Creates the whole pipeline with one call: resource, processor chain (context → redaction →
 * sampling → batch) and exporter, from options, a config file and the OTel env vars.
 * Throws `LogweaveConfigError` for invalid configuration; never throws afterwards.
 *
 * @example
 * const logging = createLogging({ serviceName: 'checkout' });
 * const log = logging.getLogger('payments.stripe');
 * log.info('charge created', { amount: 42 });
 */
export function createLogging(options: LoggingOptions = {}): Logging {
  const resolved = resolveOptions(options);
  ensureContextManager();
  const requestIdSettings: RequestIdSettings = {
    header: resolved.requestId.header,
    maxLength: resolved.requestId.maxLength,
  };
  setDefaultRequestIdSettings(requestIdSettings);

  const stats = new LoggingStats();
  const diagnostics = new DiagnosticReporter({
    intervalMillis: resolved.diagnosticIntervalMillis,
    write: resolved.diagnosticWriter,
  });
  const exporterSetup = createExporter(resolved, stats, diagnostics);
  // Mirrors the batch queue so `process.exit()` can still spool what it holds (lifecycle/).
  const pendingRecords = new PendingRecords(stats);
  const terminal: LogRecordProcessor =
    exporterSetup === undefined
      ? new DiscardProcessor()
      : exporterSetup.wrapQueue(
          pendingRecords.track(
            new BatchLogRecordProcessor({
              exporter: pendingRecords.release(exporterSetup.exporter),
              ...resolved.batch,
              selfObsMeterProvider: createQueueDropMeterProvider(stats),
            }),
          ),
        );
  reportPipelineDrops(stats, diagnostics, resolved);
  const reportInternalError = internalErrorReporter(diagnostics);

  const processContext = processContextFrom(resolved.inheritedContext);
  const sampling = new SamplingProcessor(terminal, resolved.sampling, stats, {
    processSpanContext: processContext?.spanContext,
    reportError: reportInternalError,
  });
  const readStats = (): StatsSnapshot => {
    sampling.drainCounters();
    return stats.snapshot();
  };
  // Only a sampling section that came from the file is live; one given in code wins over the file.
  const reloader =
    resolved.configPath === undefined
      ? undefined
      : new ConfigReloader({
          path: resolved.configPath,
          applySampling: (section) => {
            if (options.sampling === undefined) sampling.updatePolicy(section);
          },
          report: (message) => diagnostics.report('config_reload', message),
          watch: readConfigWatch(resolved.env),
          signal: resolved.handleSignals,
        });
  const stopMetrics =
    resolved.meterProvider === undefined
      ? undefined
      : registerStatsMetrics(resolved.meterProvider, readStats);
  const redaction = new RedactionProcessor(sampling, resolved.redaction, {
    attributeValueLengthLimit: resolved.limits.attributeValueLengthLimit,
    onRedacted: (count) => stats.recordRedacted(count),
    diagnostics,
  });
  const head = new ContextProcessor(redaction, stats, processContext);

  const loggerProvider = new LoggerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ ...resolved.resourceAttributes, 'service.name': resolved.serviceName }),
    ),
    logRecordLimits: resolved.limits,
    processors: [head],
    loggerConfigurator: () => ({
      enabled: true,
      minimumSeverity: SEVERITY_NUMBER_BY_NAME[resolved.level],
      traceBased: false,
    }),
  });

  const loggers = new Map<string, Logger>();
  const withTimeout = (work: Promise<void>, what: string): Promise<void> =>
    boundedBy(work, resolved.shutdownTimeoutMillis, () =>
      diagnostics.report(
        'flush_timeout',
        `${what} did not finish within ${resolved.shutdownTimeoutMillis} ms (shutdownTimeoutMillis)`,
      ),
    );
  // Keeps what is still queued or in flight and writes the final loss summary (lifecycle/).
  const finish = pipelineFinisher({ exporter: exporterSetup, pendingRecords, readStats, diagnostics });

  let shutdownPromise: Promise<void> | undefined;
  const unregisterHooks: Array<() => void> = [];
  const unregisterSignals = (): void => {
    for (const unregister of unregisterHooks.splice(0)) unregister();
  };
  const exportBudget = exportBudgetMillis(resolved.shutdownTimeoutMillis);
  /* Signals, beforeExit and fatal errors: exports stop retrying at the budget and spool the rest,
   * so the flush ends within shutdownTimeoutMillis even when the Collector is down. */
  const flushBeforeExit = (): Promise<void> => {
    const release = exporterSetup?.hurry(exportBudget);
    return logging.forceFlush().finally(() => release?.());
  };
  const logging: Logging = {
    getLogger(name) {
      let logger = loggers.get(name);
      if (logger === undefined) {
        logger = new Logger(name, loggerProvider.getLogger(name), reportInternalError);
        loggers.set(name, logger);
      }
      return logger;
    },
    loggerProvider,
    processor: head,
    forceFlush: () =>
      shutdownPromise ? shutdownPromise : withTimeout(loggerProvider.forceFlush(), 'forceFlush'),
    shutdown() {
      shutdownPromise ??= (async () => {
        reloader?.close();
        stopMetrics?.();
        exporterSetup?.hurry(exportBudget);
        await withTimeout(loggerProvider.shutdown(), 'shutdown');
        // What the budget left is spooled or counted before shutdown() resolves; the process hooks
        // stay until then, so a signal or process.exit() meanwhile still keeps it.
        finish('at shutdown()');
        unregisterSignals();
      })();
      return shutdownPromise;
    },
    stats: readStats,
    reloadConfig: () =>
      reloader?.reload() ?? {
        ok: false,
        error: new LogweaveConfigError(
          'config',
          'a config file (options.config or LOGWEAVE_CONFIG) to reload',
          undefined,
        ),
      },
    runWithRequestContext: (input, fn) => runWithRequestContext(input, fn, requestIdSettings),
    createRequestContext: (input, parent) => createRequestContext(input, requestIdSettings, parent),
    requestIdSettings,
    resolvedOptions: resolved,
    diagnostics,
  };
  if (resolved.handleSignals)
    unregisterHooks.push(registerSignalFlush(flushBeforeExit, (signal) => finish(`on ${signal}`)));
  let emittedAtLastFlush = -1;
  unregisterHooks.push(
    registerExitHooks({
      hasNewRecords: () => stats.snapshot().emitted !== emittedAtLastFlush,
      flush: () => {
        emittedAtLastFlush = stats.snapshot().emitted;
        return flushBeforeExit();
      },
      keepNow: (code) => finish(`at exit (code ${code})`),
    }),
  );
  if (resolved.delivery.handleUncaughtErrors) {
    unregisterHooks.push(
      registerUncaughtErrorHandler((error, origin) => {
        const what = origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
        logging
          .getLogger('process')
          .fatal(`${what}: ${error instanceof Error ? error.message : String(error)}`, error);
        return flushBeforeExit();
      }),
    );
  }

  return logging;
}
