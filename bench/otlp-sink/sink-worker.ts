/**
 * A loopback OTLP/HTTP logs receiver in a worker thread (so it runs on the other core): it
 * answers 200 with an empty ExportLogsServiceResponse and counts requests, records and bytes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { countJsonRecords, countProtobufRecords } from './count-records.ts';

export interface SinkCounts {
  requests: number;
  records: number;
  bytes: number;
  /** Requests that could not be decoded (a broken payload must fail the benchmark). */
  malformed: number;
}

export type SinkRequest = { type: 'counts' } | { type: 'close' };
export type SinkReply = { type: 'listening'; port: number } | ({ type: 'counts' } & SinkCounts);

const port = parentPort;
if (port === null) throw new Error('sink-worker.ts runs as a worker thread');

const counts: SinkCounts = { requests: 0, records: 0, bytes: 0, malformed: 0 };
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const json = String(req.headers['content-type'] ?? '').includes('json');
    counts.requests++;
    counts.bytes += body.length;
    try {
      counts.records += json ? countJsonRecords(body.toString('utf8')) : countProtobufRecords(body);
    } catch {
      counts.malformed++;
    }
    if (json) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  port.postMessage({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies SinkReply);
});
port.on('message', (message: SinkRequest) => {
  if (message.type === 'counts') port.postMessage({ type: 'counts', ...counts } satisfies SinkReply);
  else {
    server.closeAllConnections();
    server.close(() => port.close());
  }
});
