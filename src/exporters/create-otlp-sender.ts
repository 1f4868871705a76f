import type { OtlpHeaderProvider, OtlpProtocol } from '../config/logging-options.ts';
import type { TlsMaterial } from '../config/read-tls-files.ts';
import { OtlpGrpcSender } from './otlp-grpc-sender.ts';
import { OtlpHttpSender } from './otlp-http-sender.ts';
import type { OtlpSender } from './otlp-sender.ts';

/** The transport `protocol` names: OTLP/gRPC, or OTLP/HTTP (protobuf and JSON share one sender). */
export function createOtlpSender(options: {
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  headerProvider?: OtlpHeaderProvider | undefined;
  compression: 'gzip' | 'none';
  tls?: TlsMaterial | undefined;
}): OtlpSender {
  return options.protocol === 'grpc' ? new OtlpGrpcSender(options) : new OtlpHttpSender(options);
}
