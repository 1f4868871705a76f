// TLS and mTLS to real servers on 127.0.0.1, with certificates generated for the run.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createLogging } from '../../src/index.ts';
import { startOtlpGrpcReceiver } from '../helpers/otlp-grpc-receiver.ts';
import { makeTestCertificates } from '../helpers/test-certificates.ts';

const certs = makeTestCertificates();

/** An OTLP/HTTPS endpoint that asks for a client certificate signed by the test CA. */
async function mtlsHttpsReceiver() {
  let accepted = 0;
  const server = createServer(
    {
      key: certs.serverKey,
      cert: certs.serverCert,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      request.resume();
      request.on('end', () => {
        accepted++;
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/v1/logs`,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Transport = 'http/protobuf' | 'grpc';

async function receiverFor(transport: Transport) {
  if (transport === 'http/protobuf') return mtlsHttpsReceiver();
  const grpc = await startOtlpGrpcReceiver({
    tls: { key: certs.serverKey, cert: certs.serverCert, clientCa: certs.ca },
  });
  return { url: grpc.url, accepted: () => grpc.records.length, close: () => grpc.close() };
}

async function exportOne(transport: Transport, url: string, env: Record<string, string>) {
  const lines: string[] = [];
  const logging = createLogging({
    handleSignals: false,
    diagnosticWriter: (line) => lines.push(line),
    otlp: { url },
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: transport, OTEL_EXPORTER_OTLP_TIMEOUT: '3000', ...env },
  });
  logging.getLogger('tls').error('over TLS');
  await logging.shutdown();
  return { stats: logging.stats(), lines };
}

for (const transport of ['http/protobuf', 'grpc'] as const) {
  test(`${transport} mTLS: accepted only with the right client certificate`, async (t) => {
    const receiver = await receiverFor(transport);
    t.after(() => receiver.close());
    const right = await exportOne(transport, receiver.url, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: certs.caFile,
      OTEL_EXPORTER_OTLP_CLIENT_KEY: certs.clientKeyFile,
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: certs.clientCertFile,
    });
    assert.equal(right.stats.exported, 1, right.lines.join('\n'));
    assert.equal(receiver.accepted(), 1);

    const none = await exportOne(transport, receiver.url, { OTEL_EXPORTER_OTLP_CERTIFICATE: certs.caFile });
    assert.equal(none.stats.exported, 0);
    assert.equal(
      none.stats.dropped.export_failed ?? none.stats.dropped.rejected,
      1,
      JSON.stringify(none.stats),
    );

    const stranger = await exportOne(transport, receiver.url, {
      OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: certs.caFile,
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: certs.strangerKeyFile,
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: certs.strangerCertFile,
    });
    assert.equal(stranger.stats.exported, 0);
    assert.equal(receiver.accepted(), 1, 'nothing but the right client got through');
  });

  test(`${transport}: a wrong CA is a diagnostic naming the endpoint and the TLS error, not a crash`, async (t) => {
    const receiver = await receiverFor(transport);
    t.after(() => receiver.close());
    const wrong = await exportOne(transport, receiver.url, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: certs.otherCaFile,
      OTEL_EXPORTER_OTLP_CLIENT_KEY: certs.clientKeyFile,
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: certs.clientCertFile,
    });
    assert.equal(wrong.stats.exported, 0);
    assert.equal(wrong.stats.dropped.export_failed, 1, JSON.stringify(wrong.stats));
    const line = wrong.lines.find((text) => text.includes(receiver.url));
    assert.ok(line, wrong.lines.join('\n'));
    assert.match(line, /certificate|TLS/i);
    assert.match(line, /OTEL_EXPORTER_OTLP_CERTIFICATE/);
  });
}
