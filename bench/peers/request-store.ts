import { AsyncLocalStorage } from 'node:async_hooks';
import { REQUEST_ID, SPAN_ID, TRACE_ID_KEPT } from './sample-record.ts';

/** What pino/winston users keep in their own AsyncLocalStorage to stamp every line. */
export interface RequestStore {
  requestId: string;
  traceId: string;
  spanId: string;
}

/** The AsyncLocalStorage the pino and winston contenders read in their mixin / format. */
export const requestStorage = new AsyncLocalStorage<RequestStore>();

export const BENCH_REQUEST: RequestStore = { requestId: REQUEST_ID, traceId: TRACE_ID_KEPT, spanId: SPAN_ID };

/** The fields a pino `mixin` or winston format adds to every line from the store. */
export function requestFields(): Record<string, string> {
  const store = requestStorage.getStore();
  if (store === undefined) return {};
  return { 'request.id': store.requestId, trace_id: store.traceId, span_id: store.spanId };
}
