import assert from 'node:assert/strict';
import { createServer } from 'node:net';

/** An OTLP logs URL on 127.0.0.1 where nothing listens (a port just released by the OS). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${address.port}/v1/logs`;
}
