import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ProcessContext } from '../context/process-context.ts';
import { requestContextFrom } from '../context/request-context.ts';
import { REQUEST_ID_ATTRIBUTE } from '../core/attribute-names.ts';
import { LoggingStats } from '../core/stats.ts';
import { ChainedProcessor, type EnabledOptions } from './chained-processor.ts';

/** Options of `RequestContextProcessor`. */
export interface RequestContextProcessorOptions {
  /** Counts every record that enters the chain (`stats().emitted`). Default: a stats object of its own. */
  stats?: LoggingStats;
  /**
   * The trace a parent process handed down (`TRACEPARENT`, see `contextToEnv()`): records outside
   * any request and span carry it. Default: none (`createLogging()` reads it from the environment).
   */
  processContext?: ProcessContext;
  /**
   * Records with a severity below this number are not passed on (`enabled()` says false for them):
   * `level` for records that enter through a provider logweave did not build, such as a NodeSDK's
   * (`createLogging()` passes its `level`). Records without a severity pass. Default: 0 (all).
   */
  minimumSeverity?: number;
}

/**
 * First stage of logweave's chain: stamps `request.id` from the request context carried by the
 * record's context (and on no record outside one). Trace id, span id and flags are already on
 * the record: the SDK copies them from the same context. Records emitted outside any request
 * and any span, in a child process started with `contextToEnv()`, get the parent's trace.
 *
 * @example
 * const head = new RequestContextProcessor(new RedactionProcessor(sampling));
 * new NodeSDK({ logRecordProcessors: [head] });
 */
export class RequestContextProcessor extends ChainedProcessor {
  readonly stats: LoggingStats;
  readonly #processContext: ProcessContext | undefined;
  readonly #minimumSeverity: number;

  constructor(next: LogRecordProcessor, options: RequestContextProcessorOptions = {}) {
    super(next);
    this.stats = options.stats ?? new LoggingStats();
    this.#processContext = options.processContext;
    this.#minimumSeverity = options.minimumSeverity ?? 0;
  }

  override enabled(options: EnabledOptions): boolean {
    const severity = options.severityNumber ?? 0;
    if (severity > 0 && severity < this.#minimumSeverity) return false;
    return super.enabled(options);
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    // Below `level`: what the facade's gate makes a no-op is not counted as emitted here either.
    const severity = logRecord.severityNumber ?? 0;
    if (severity > 0 && severity < this.#minimumSeverity) return;
    this.stats.recordEmitted();
    const request = context === undefined ? undefined : requestContextFrom(context);
    if (request !== undefined) {
      logRecord.setAttribute(REQUEST_ID_ATTRIBUTE, request.requestId);
    } else if (this.#processContext !== undefined && logRecord.spanContext === undefined) {
      logRecord.spanContext = this.#processContext.spanContext;
      if (this.#processContext.requestId !== undefined) {
        logRecord.setAttribute(REQUEST_ID_ATTRIBUTE, this.#processContext.requestId);
      }
    }
    this.next.onEmit(logRecord, context);
  }
}
