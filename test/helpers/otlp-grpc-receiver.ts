import {
  Metadata,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { decodeProtobufRequest, ExportLogsServiceResponse } from './otlp-proto.ts';
import { flattenRequest, type ReceivedRecord } from './otlp-records.ts';

/** What the receiver answers to one Export call; the default is OK with an empty response. */
export type GrpcBehavior = (request: {
  count: number;
  metadata: Metadata;
}) =>
  | { code: number; details?: string; statusDetails?: Buffer }
  | { partialRejected: number; message: string }
  | undefined;

export interface OtlpGrpcReceiver {
  /** `http://127.0.0.1:<port>` (or `https://` with TLS). */
  readonly url: string;
  readonly records: ReceivedRecord[];
  /** Metadata of every call, in order. */
  readonly metadata: Metadata[];
  /** Export calls received, answered or not. */
  readonly received: number;
  behavior: GrpcBehavior | undefined;
  waitForRecords(count: number, timeoutMillis?: number): Promise<ReceivedRecord[]>;
  close(): Promise<void>;
}

const passthrough = (value: Buffer): Buffer => value;

/**
 * A real OTLP/gRPC logs receiver on 127.0.0.1:0 (grpc-js server, the OTLP service path), decoding
 * requests with the test's own protobuf schema. `tls` makes it a TLS server (mTLS with `clientCa`).
 */
export async function startOtlpGrpcReceiver(
  options: {
    behavior?: GrpcBehavior;
    tls?: { key: Buffer; cert: Buffer; clientCa?: Buffer };
  } = {},
): Promise<OtlpGrpcReceiver> {
  const records: ReceivedRecord[] = [];
  const metadata: Metadata[] = [];
  const waiters = new Set<() => void>();
  let received = 0;
  const server = new Server();
  const receiver: OtlpGrpcReceiver = {
    url: '',
    records,
    metadata,
    get received() {
      return received;
    },
    behavior: options.behavior,
    waitForRecords(wanted, timeoutMillis = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (records.length < wanted) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(records);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${wanted} records over gRPC, got ${records.length}`));
        }, timeoutMillis);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
  server.addService(
    {
      export: {
        path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: passthrough,
        requestDeserialize: passthrough,
        responseSerialize: passthrough,
        responseDeserialize: passthrough,
      },
    },
    {
      export(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
        received++;
        metadata.push(call.metadata);
        const batch = flattenRequest(decodeProtobufRequest(call.request));
        const answer = receiver.behavior?.({ count: batch.length, metadata: call.metadata });
        if (answer !== undefined && 'code' in answer) {
          const trailer = new Metadata();
          if (answer.statusDetails !== undefined)
            trailer.set('grpc-status-details-bin', answer.statusDetails);
          const error: Partial<ServiceError> = {
            code: answer.code,
            details: answer.details ?? '',
            metadata: trailer,
          };
          callback(error as ServiceError);
          return;
        }
        records.push(...batch);
        for (const waiter of waiters) waiter();
        const response =
          answer === undefined
            ? Buffer.alloc(0)
            : Buffer.from(
                ExportLogsServiceResponse.encode(
                  ExportLogsServiceResponse.fromObject({
                    partialSuccess: {
                      rejectedLogRecords: answer.partialRejected,
                      errorMessage: answer.message,
                    },
                  }),
                ).finish(),
              );
        callback(null, response);
      },
    },
  );
  const credentials =
    options.tls === undefined
      ? ServerCredentials.createInsecure()
      : ServerCredentials.createSsl(
          options.tls.clientCa ?? null,
          [{ private_key: options.tls.key, cert_chain: options.tls.cert }],
          options.tls.clientCa !== undefined,
        );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  (receiver as { url: string }).url = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  return receiver;
}
