import assert from 'node:assert/strict';
import type { Agent } from 'node:http';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LoggingOptions } from '../../../src/index.ts';
import { memoryPipeline, type MemoryPipeline } from '../../helpers/memory-pipeline.ts';

/** `memoryPipeline()` for a named service (the HTTP tests' shorthand). */
export function memoryLogging(serviceName: string, options: LoggingOptions = {}): MemoryPipeline {
  return memoryPipeline({ serviceName, ...options });
}

/** Listens on 127.0.0.1 port 0. */
export async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

/**
 * One request through `node:http` (not instrumented by undici), with a JSON body when given.
 * The body is sent in two parts 15 ms apart (longer than the servers' jitter), so the server
 * reads its end in a later socket event than the headers, after its body reader subscribed:
 * the case where AsyncLocalStorage loses the request.
 */
export function send(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
    agent?: Agent;
    /** When the second half of the body is sent; default: 15 ms after the first. */
    secondHalfAfter?: Promise<unknown>;
  } = {},
): Promise<HttpResult> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        agent: options.agent,
        headers: {
          ...(payload === undefined
            ? {}
            : {
                'content-type': options.contentType ?? 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload === undefined || payload.length < 2) {
      req.end(payload);
      return;
    }
    const half = Math.floor(payload.length / 2);
    req.flushHeaders();
    req.write(payload.slice(0, half));
    // Time has to pass between the halves, so that they arrive as separate 'data' events.
    const gate = options.secondHalfAfter ?? new Promise((resolve) => setTimeout(resolve, 15));
    void gate.then(() => req.end(payload.slice(half)));
  });
}

/** A promise per key that the server side resolves (same process), to order client and server steps. */
export class Gates {
  readonly #gates = new Map<number, { promise: Promise<void>; open: () => void }>();

  #get(key: number): { promise: Promise<void>; open: () => void } {
    let gate = this.#gates.get(key);
    if (gate === undefined) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
      this.#gates.set(key, gate);
    }
    return gate;
  }

  wait(key: number): Promise<void> {
    return this.#get(key).promise;
  }

  open(key: number): void {
    this.#get(key).open();
  }
}

/** Resolves after a pseudo-random 0–`maxMillis` ms, so concurrent requests interleave. */
export function jitter(seed: number, maxMillis = 5): Promise<void> {
  const millis = (seed * 7919) % (maxMillis + 1);
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** A string attribute of a record, or undefined. */
export function attribute(record: ReadableLogRecord, name: string): unknown {
  return record.attributes[name];
}

/**
 * Groups records by request id, asserting that every record has one and that a record tagged
 * with `test.i` carries the id its request was sent with. Returns the records per request id and
 * the stages (record bodies) seen per request index.
 */
export function groupByRequest(
  records: readonly ReadableLogRecord[],
  requestIdOf: ReadonlyMap<number, string>,
): { byRequestId: Map<string, ReadableLogRecord[]>; stagesPerRequest: Map<number, string[]> } {
  const byRequestId = new Map<string, ReadableLogRecord[]>();
  const stagesPerRequest = new Map<number, string[]>();
  for (const record of records) {
    const requestId = attribute(record, 'request.id');
    assert.equal(typeof requestId, 'string', `record "${String(record.body)}" has no request id`);
    byRequestId.set(requestId as string, [...(byRequestId.get(requestId as string) ?? []), record]);
    const i = attribute(record, 'test.i');
    if (typeof i === 'number') {
      assert.equal(requestId, requestIdOf.get(i), `record "${String(record.body)}" of request ${i}`);
      stagesPerRequest.set(i, [...(stagesPerRequest.get(i) ?? []), String(record.body)]);
    }
  }
  return { byRequestId, stagesPerRequest };
}
