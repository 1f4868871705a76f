import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeProtobufRequest } from './otlp-proto.ts';
import { flattenRequest, type ReceivedRecord } from './otlp-records.ts';

/** What the receiver does with one request; the default answers 200 and keeps the records. */
export type ReceiverBehavior = (request: { contentType: string; body: Buffer; count: number }) =>
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string | Buffer;
      accept?: boolean;
      /** Answer this long after the request arrived (a slow receiver); the records count when answered. */
      delayMillis?: number;
    }
  | 'hang'
  | 'destroy';

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>/v1/logs` */
  readonly url: string;
  readonly records: ReceivedRecord[];
  /** Raw requests as received (content type and decoded OTLP/JSON object). */
  readonly requests: Array<{
    contentType: string;
    decoded: unknown;
    status: number;
    at: number;
    count: number;
  }>;
  behavior: ReceiverBehavior | undefined;
  /** Requests received so far, including hung, destroyed and undecodable ones. */
  readonly received: number;
  /** TCP connections currently open to the receiver (for leak checks). */
  readonly openConnections: number;
  /** Stops listening and drops every connection: the endpoint is down (connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Resolves once at least `count` records were accepted, or rejects after `timeoutMillis`. */
  waitForRecords(count: number, timeoutMillis?: number): Promise<ReceivedRecord[]>;
  close(): Promise<void>;
}

/** A real OTLP/HTTP logs receiver on 127.0.0.1:0 that decodes protobuf and JSON. */
export async function startOtlpReceiver(behavior?: ReceiverBehavior): Promise<OtlpReceiver> {
  const records: ReceivedRecord[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let count = 0;

  const receiver: OtlpReceiver = {
    url: '',
    records,
    requests,
    behavior,
    waitForRecords(wanted, timeoutMillis = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (records.length >= wanted) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(records);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${wanted} records, received ${records.length}`));
        }, timeoutMillis);
        waiters.add(check);
        check();
      });
    },
    received: 0,
    get openConnections() {
      return sockets.size;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => {
        if (!server.listening) resolve();
        else server.close(() => resolve());
      });
    },
    stop() {
      return receiver.close();
    },
    start() {
      return new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };

  let port = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      count++;
      (receiver as { received: number }).received = count;
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const contentType = String(req.headers['content-type'] ?? '');
      const outcome = receiver.behavior?.({ contentType, body, count }) ?? { status: 200 };
      if (outcome === 'hang') return;
      if (outcome === 'destroy') {
        req.socket.destroy();
        return;
      }
      if (outcome.delayMillis !== undefined && outcome.delayMillis > 0) {
        const answer = { ...outcome, delayMillis: 0 };
        const timer = setTimeout(() => respond(answer, body, contentType), outcome.delayMillis);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      respond(outcome, body, contentType);
    });
    function respond(
      outcome: Exclude<ReturnType<ReceiverBehavior>, 'hang' | 'destroy'>,
      body: Buffer,
      contentType: string,
    ): void {
      if (res.destroyed) return;
      const accept = outcome.accept ?? (outcome.status >= 200 && outcome.status < 300);
      let decoded: unknown = undefined;
      try {
        decoded = contentType.includes('json')
          ? JSON.parse(body.toString('utf8'))
          : decodeProtobufRequest(body);
      } catch (error) {
        res.writeHead(400).end(String(error));
        return;
      }
      const flattened = flattenRequest(decoded);
      requests.push({
        contentType,
        decoded,
        status: outcome.status,
        at: Date.now(),
        count: flattened.length,
      });
      if (accept) records.push(...flattened);
      res.writeHead(outcome.status, {
        'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf',
        ...outcome.headers,
      });
      res.end(outcome.body ?? (contentType.includes('json') ? '{}' : Buffer.alloc(0)));
      for (const waiter of [...waiters]) waiter();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}/v1/logs`;
  return receiver;
}
