import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StatusCountingProxy {
  /** Same path as the target, on the proxy's port. */
  readonly url: string;
  /** Responses passed back, by HTTP status. */
  readonly statuses: Map<number, number>;
  count(status: number): number;
  close(): Promise<void>;
}

/**
 * A transparent HTTP forwarder on 127.0.0.1:0 that counts the statuses the target answered.
 * It stands between one service and the Collector so a test can show that this service's
 * exports were really refused (503) before they were delivered. It changes nothing it forwards;
 * when the target is unreachable it answers 502 (so it is not used in the Collector-kill test,
 * where the services must see the connection refused themselves).
 */
export async function startStatusCountingProxy(targetUrl: string): Promise<StatusCountingProxy> {
  const target = new URL(targetUrl);
  const statuses = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamRes) => {
        const status = upstreamRes.statusCode ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        res.writeHead(status, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      statuses.set(502, (statuses.get(502) ?? 0) + 1);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    statuses,
    count: (status) => statuses.get(status) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
