import type { Context } from '@opentelemetry/api';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { normalizeLimitsOf } from './attributes/attribute-limits.ts';
import { boundedFlush } from './assembly/bounded-flush.ts';
import { CONSOLE_MODULE, emitConsoleCall } from './bridges/console-call.ts';
import { buildPipeline } from './assembly/build-pipeline.ts';
import { buildProvider } from './assembly/build-provider.ts';
import { buildReloader } from './assembly/build-reloader.ts';
import { buildResource } from './assembly/build-resource.ts';
import { registerGlobalProvider } from './assembly/register-global-provider.ts';
import type { ConfigReloadResult } from './config/config-reloader.ts';
import type { LoggingOptions } from './config/logging-options.ts';
import { printableOptions, type PrintableOptions } from './config/printable-options.ts';
import { resolveOptions, type ResolvedOptions } from './config/resolve-options.ts';
import { ensureContextManager } from './context/context-manager.ts';
import {
  createRequestContext,
  registerRequestIdSettings,
  type RequestContextInput,
  type RequestIdSettings,
} from './context/create-request-context.ts';
import type { RequestContext } from './context/request-context.ts';
import { LogweaveConfigError } from './core/config-error.ts';
import { DiagnosticReporter } from './core/diagnostic-reporter.ts';
import { LoggingStats, type StatsSnapshot } from './core/stats.ts';
import { installProcessHooks } from './lifecycle/process-hooks.ts';
import { startSignals } from './assembly/start-signals.ts';
import { Logger } from './logger/logger.ts';
import { registerStatsMetrics } from './pipeline/stats-metrics.ts';

/** What `createLogging()` returns. */
export interface Logging {
  /** A logger for a module; the name is the OTel instrumentation scope (`payments.stripe`). */
  getLogger(name: string): Logger;
  /**
   * The SDK provider, registered as the global provider of `@opentelemetry/api`'s `logs` and of
   * `@opentelemetry/api-logs`, so log instrumentations and the logs API reach logweave's chain.
   */
  readonly loggerProvider: LoggerProvider;
  /**
   * The resource every record carries (detected once). Give it to a NodeSDK in the same process —
   * `new NodeSDK({ resource: logging.resource, autoDetectResources: false })` — so that records
   * through the SDK's provider and spans carry the same one.
   */
  readonly resource: Resource;
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
   * Parses on the calling thread (the config limits bound the cost: up to a few hundred ms of CPU
   * for the largest file accepted); `reloadConfigAsync()` does not.
   */
  reloadConfig(): ConfigReloadResult;
  /**
   * `reloadConfig()` with the parse in a worker thread, as file changes and SIGHUP do: the event
   * loop only reads the file (at most 1 MiB) and applies the result. Resolves, never rejects.
   */
  reloadConfigAsync(): Promise<ConfigReloadResult>;
  /** Builds (without entering) a request's context; integrations enter it themselves. */
  createRequestContext(
    input: RequestContextInput,
    parent?: Context,
  ): { context: Context; request: RequestContext };
  /** The request-id header name and length cap in force. */
  readonly requestIdSettings: RequestIdSettings;
  /** The options after precedence and defaults, with every secret replaced by `[REDACTED]`. */
  readonly resolvedOptions: PrintableOptions;
  /** @internal Reports a fault through the rate-limited diagnostic (used by integrations). */
  readonly diagnostics: DiagnosticReporter;
}

/**
 * Creates the whole pipeline with one call: resource, processor chain (request context →
 * redaction → sampling → batch) and exporter, from options, a config file and the OTel env vars,
 * plus the process hooks that flush it when the process ends. The same parts can be assembled by
 * hand (see `RequestContextProcessor`). Throws `LogweaveConfigError` for invalid configuration;
 * never throws afterwards.
 *
 * @example
 * const logging = createLogging({ serviceName: 'checkout' });
 * const log = logging.getLogger('payments.stripe');
 * log.info('charge created', { amount: 42 });
 */
export function createLogging(options: LoggingOptions = {}): Logging {
  const resolved = resolveOptions(options);
  ensureContextManager();
  if (resolved.sdkDisabled) return disabledLogging(resolved);
  const requestIdSettings: RequestIdSettings = { ...resolved.requestId };
  const unregisterSettings = registerRequestIdSettings(requestIdSettings);
  const pipeline = buildPipeline(resolved);
  const stopSignals = startSignals(resolved.signalSecret, (message) =>
    pipeline.diagnostics.report('release_call', message),
  );
  const { stats, sampling, diagnostics } = pipeline;
  const resource = buildResource(resolved);
  const loggerProvider = buildProvider(resolved, pipeline.head, resource);
  const unregisterGlobal = resolved.registerGlobal
    ? registerGlobalProvider(loggerProvider, diagnostics)
    : () => undefined;
  const flushing = boundedFlush(pipeline, loggerProvider, resolved.shutdownTimeoutMillis);
  const reloader = buildReloader(resolved, options.sampling !== undefined, sampling, diagnostics);
  const readStats = (): StatsSnapshot => (sampling.drainCounters(), stats.snapshot());
  const stopMetrics = resolved.meterProvider && registerStatsMetrics(resolved.meterProvider, readStats);
  const limits = normalizeLimitsOf(resolved.limits);
  const loggers = new Map<string, Logger>();
  const getLogger = (name: string): Logger => {
    let logger = loggers.get(name);
    if (logger === undefined) {
      logger = new Logger(
        name,
        loggerProvider.getLogger(name),
        (where, error) => diagnostics.reportError(where, error),
        limits,
        sampling.facadeGate(name),
      );
      loggers.set(name, logger);
    }
    return logger;
  };
  let emittedAtLastFlush = -1;
  let shuttingDown = false;
  const removeHooks = installProcessHooks(
    {
      flush: () => ((emittedAtLastFlush = stats.snapshot().emitted), flushing.flushBeforeExit()),
      hasNewRecords: () => stats.snapshot().emitted !== emittedAtLastFlush,
      finish: (when) => pipeline.finish(when),
      // Console capture ends when shutdown starts: what the flush prints is not sent anywhere.
      consoleCall: (method, args, stack) => {
        if (!shuttingDown) emitConsoleCall(getLogger(CONSOLE_MODULE), method, args, stack);
      },
      logFatal: (what, error) =>
        getLogger('process').fatal(
          `${what}: ${error instanceof Error ? error.message : String(error)}`,
          error,
        ),
    },
    {
      signals: resolved.handleSignals,
      uncaughtErrors: resolved.delivery.handleUncaughtErrors,
      captureConsole: resolved.captureConsole,
    },
  );
  return {
    getLogger,
    loggerProvider,
    resource,
    processor: pipeline.head,
    forceFlush: flushing.flush,
    shutdown() {
      shuttingDown = true;
      reloader?.close();
      stopMetrics?.();
      unregisterGlobal();
      // The exit hooks stay until the flush is over: a process ending meanwhile still spools.
      return flushing.shutdown().finally(() => (removeHooks(), unregisterSettings(), stopSignals()));
    },
    stats: readStats,
    reloadConfig: () => reloader?.reload() ?? noConfigToReload(),
    reloadConfigAsync: () => reloader?.reloadAsync() ?? Promise.resolve(noConfigToReload()),
    createRequestContext: (input, parent) => createRequestContext(input, requestIdSettings, parent),
    requestIdSettings,
    resolvedOptions: printableOptions(resolved),
    diagnostics,
  };
}

function noConfigToReload(): ConfigReloadResult {
  return {
    ok: false,
    error: new LogweaveConfigError(
      'config',
      'a config file (options.config or LOGWEAVE_CONFIG) to reload',
      undefined,
    ),
  };
}

/**
 * `OTEL_SDK_DISABLED=true`: a `Logging` that works and does nothing — loggers are no-ops
 * (`isEnabled()` false), nothing is exported, no process hook, no global provider, no timer, all
 * stats 0 — so an application runs unchanged with telemetry switched off platform-wide.
 */
function disabledLogging(resolved: ResolvedOptions): Logging {
  const diagnostics = new DiagnosticReporter({
    intervalMillis: resolved.diagnosticIntervalMillis,
    write: resolved.diagnosticWriter,
  });
  const stats = new LoggingStats();
  const processor: LogRecordProcessor = {
    onEmit: () => undefined,
    enabled: () => false,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const loggerProvider = new LoggerProvider({
    loggerConfigurator: () => ({ enabled: false, minimumSeverity: 0, traceBased: false }),
  });
  const requestIdSettings: RequestIdSettings = { ...resolved.requestId };
  const limits = normalizeLimitsOf(resolved.limits);
  const loggers = new Map<string, Logger>();
  const closed = (): boolean => false;
  return {
    getLogger(name) {
      let logger = loggers.get(name);
      if (logger === undefined) {
        logger = new Logger(name, loggerProvider.getLogger(name), () => undefined, limits, closed);
        loggers.set(name, logger);
      }
      return logger;
    },
    loggerProvider,
    resource: emptyResource(),
    processor,
    forceFlush: () => Promise.resolve(),
    shutdown: () => loggerProvider.shutdown(),
    stats: () => stats.snapshot(),
    reloadConfigAsync: () =>
      Promise.resolve({
        ok: false,
        error: new LogweaveConfigError(
          'config',
          'an enabled SDK (OTEL_SDK_DISABLED is true)',
          'OTEL_SDK_DISABLED=true',
        ),
      }),
    reloadConfig: () => ({
      ok: false,
      error: new LogweaveConfigError(
        'config',
        'an enabled SDK (OTEL_SDK_DISABLED is true)',
        'OTEL_SDK_DISABLED=true',
      ),
    }),
    createRequestContext: (input, parent) => createRequestContext(input, requestIdSettings, parent),
    requestIdSettings,
    resolvedOptions: printableOptions(resolved),
    diagnostics,
  };
}
