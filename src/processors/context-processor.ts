import { TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { requestContextFrom } from '../context/request-context.ts';
import { ChainedProcessor } from './chained-processor.ts';
import type { LoggingStats } from './logging-stats.ts';

/** Attribute that carries the request id on every record emitted inside a request. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

/** The trace a parent process handed down through `TRACEPARENT` (see `contextToEnv`). */
export interface ProcessContext {
  spanContext: SpanContext;
  requestId: string | undefined;
}

/**
 * First stage of the chain: stamps `request.id` from the request context carried by the
 * record's context (and on no record outside one). Trace id, span id and flags are already on
 * the record: the SDK copies them from the same context. Records emitted outside any request
 * and any span, in a child process started with `contextToEnv()`, get the parent's trace.
 */
export class ContextProcessor extends ChainedProcessor {
  readonly #stats: LoggingStats;
  readonly #processContext: ProcessContext | undefined;

  constructor(next: LogRecordProcessor, stats: LoggingStats, processContext?: ProcessContext) {
    super(next);
    this.#stats = stats;
    this.#processContext = processContext;
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.#stats.recordEmitted();
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

/** Flags for a process context whose parent did not say (kept like a sampled trace). */
export const DEFAULT_PROCESS_TRACE_FLAGS = TraceFlags.SAMPLED;
