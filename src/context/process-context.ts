import { isSpanContextValid, ROOT_CONTEXT, trace, type SpanContext } from '@opentelemetry/api';
import type { InheritedContext } from '../config/read-environment.ts';
import { generateSpanId } from './ids.ts';
import { acceptRequestId } from './request-id.ts';
import { recordGetter, w3cPropagator } from './w3c-carrier.ts';

/** The trace a parent process handed down through `TRACEPARENT` (see `contextToEnv`). */
export interface ProcessContext {
  readonly spanContext: SpanContext;
  readonly requestId: string | undefined;
}

/**
 * The trace a parent process handed down with `contextToEnv()` (`TRACEPARENT`, `TRACESTATE`,
 * `LOGWEAVE_REQUEST_ID`), continued with a span id of this process; undefined when there is none
 * or the traceparent is invalid.
 */
export function processContextFrom(inherited: InheritedContext | undefined): ProcessContext | undefined {
  if (inherited?.traceparent === undefined) return undefined;
  const carrier: Record<string, string> = { traceparent: inherited.traceparent };
  if (inherited.tracestate !== undefined) carrier['tracestate'] = inherited.tracestate;
  const parent = trace.getSpanContext(w3cPropagator.extract(ROOT_CONTEXT, carrier, recordGetter));
  if (parent === undefined || !isSpanContextValid(parent)) return undefined;
  return {
    spanContext: { ...parent, spanId: generateSpanId(), isRemote: false },
    requestId: acceptRequestId(inherited.requestId),
  };
}
