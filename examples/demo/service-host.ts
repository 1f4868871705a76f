/**
 * Runs one demo service in this process: `node examples/demo/service-host.ts payments`.
 * Started by run-demo.ts (over IPC), or by hand to try a service on its own:
 *   PORT=3003 node examples/demo/service-host.ts payments
 *   PORT=3002 PAYMENTS_URL=http://127.0.0.1:3003 node examples/demo/service-host.ts orders
 *   PORT=3001 ORDERS_URL=http://127.0.0.1:3002 node examples/demo/service-host.ts gateway
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogging, type Logging, type StatsSnapshot } from '../../src/index.ts';
import {
  CONFIG_PATH,
  SERVICE_NAMES,
  type HostMessage,
  type Peers,
  type ServiceName,
} from './demo-protocol.ts';
import { createGatewayApp } from './gateway.ts';
import { createOrdersApp } from './orders.ts';
import { createPaymentsApp } from './payments.ts';

interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(name: ServiceName, logging: Logging, peers: Peers, port: number): Promise<Listening> {
  if (name === 'orders') {
    const app = await createOrdersApp(logging, peers);
    const url = await app.listen({ host: '127.0.0.1', port });
    return { url, close: () => app.close() };
  }
  const app = name === 'gateway' ? createGatewayApp(logging, peers) : createPaymentsApp(logging);
  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(port, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(started),
    );
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function main(): Promise<void> {
  const name = process.argv[2] as ServiceName;
  if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
    console.error(`usage: node examples/demo/service-host.ts ${SERVICE_NAMES.join('|')}`);
    process.exitCode = 2;
    return;
  }
  const logging = createLogging({
    serviceName: name,
    config: CONFIG_PATH,
    // The file sink unless an OTLP endpoint is given (OTEL_EXPORTER_OTLP_ENDPOINT, the OTel variable);
    // the file path comes from LOGWEAVE_FILE_PATH, which run-demo.ts sets.
    exporter: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ? 'otlp' : 'file',
  });
  const peers: Peers = { orders: process.env['ORDERS_URL'], payments: process.env['PAYMENTS_URL'] };
  const server = await listen(name, logging, peers, Number(process.env['PORT'] ?? 0));

  const send = process.send?.bind(process);
  if (send === undefined) {
    console.log(`${name} listening on ${server.url}`);
    return;
  }
  let stopping = false;
  const stop = async (): Promise<StatsSnapshot> => {
    stopping = true;
    await server.close();
    await logging.shutdown();
    return logging.stats();
  };
  process.on('message', (message: HostMessage) => {
    if (message.type === 'peers') Object.assign(peers, message.peers);
    if (message.type === 'stop' && !stopping) {
      void stop().then((stats) =>
        send({ type: 'stopped', stats } satisfies HostMessage, () => process.disconnect()),
      );
    }
  });
  // The demo went away without asking us to stop (crashed, killed): flush and leave too.
  process.on('disconnect', () => {
    if (!stopping) void stop().finally(() => process.exit(0));
  });
  send({ type: 'ready', url: server.url } satisfies HostMessage);
}

await main();
