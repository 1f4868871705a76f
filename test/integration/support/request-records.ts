import assert from 'node:assert/strict';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  getRequestContext,
  REQUEST_ID_ATTRIBUTE,
  runWithRequestContext,
  type RequestContext,
} from '../../../src/index.ts';

/** Enough interleaved requests that a borrowed context shows on nearly every record. */
export const REQUESTS = 200;

export function requestIdOf(index: number): string {
  return `req-${index}`;
}

/**
 * Runs `REQUESTS` requests at once, request `index` with the id `req-<index>`; each one starts
 * its work before the next starts, so they interleave on the pools, streams and emitters they
 * share. Returns each request's context, by request id.
 */
export async function serveRequests(
  work: (index: number) => void | Promise<void>,
): Promise<Map<string, RequestContext>> {
  const contexts = new Map<string, RequestContext>();
  await Promise.all(
    Array.from({ length: REQUESTS }, (_, index) =>
      runWithRequestContext({ requestId: requestIdOf(index) }, async () => {
        contexts.set(requestIdOf(index), getRequestContext());
        await work(index);
      }),
    ),
  );
  return contexts;
}

/** What a record says about the request it was logged for. */
export interface SeenRecord {
  index: number;
  requestId: string | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
}

/** The records with this body, one per index `0 … count - 1` (asserted), in index order. */
export function recordsWithBody(
  records: readonly ReadableLogRecord[],
  body: string,
  count: number = REQUESTS,
): SeenRecord[] {
  const seen = records
    .filter((record) => record.body === body)
    .map((record) => ({
      index: Number(record.attributes['index']),
      requestId: record.attributes[REQUEST_ID_ATTRIBUTE] as string | undefined,
      traceId: record.spanContext?.traceId,
      spanId: record.spanContext?.spanId,
    }))
    .sort((a, b) => a.index - b.index);
  assert.deepEqual(
    seen.map((record) => record.index),
    Array.from({ length: count }, (_, index) => index),
    `one "${body}" record per index`,
  );
  return seen;
}

/** Asserts that every record carries its own request's id, trace id and (unless told) span id. */
export function assertOwnContext(
  seen: readonly SeenRecord[],
  contexts: ReadonlyMap<string, RequestContext>,
  { sameSpan = true }: { sameSpan?: boolean } = {},
): void {
  const wrong = seen.filter((record) => {
    const own = contexts.get(requestIdOf(record.index));
    return (
      own === undefined ||
      record.requestId !== own.requestId ||
      record.traceId !== own.traceId ||
      (sameSpan && record.spanId !== own.spanId)
    );
  });
  assert.deepEqual(wrong, [], 'records with another request context or none');
}

/** How many records carry a request id other than their own (a borrowed context). */
export function foreignCount(seen: readonly SeenRecord[]): number {
  return seen.filter(
    (record) => record.requestId !== undefined && record.requestId !== requestIdOf(record.index),
  ).length;
}
