import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A tiny database-like driver for the AsyncLocalStorage-limit tests: a line server on 127.0.0.1
 * and a connection pool that queues callbacks and calls each one from its connection's `data`
 * event, the way `pg`'s callback API and many drivers do. That is the whole mechanism that makes
 * such callbacks run in the context of whoever opened the connection, so the tests need no real
 * database server.
 */

/** Answers every line `x` with the line `ok x`. */
export async function startLineServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let end: number;
      while ((end = pending.indexOf('\n')) !== -1) {
        socket.write(`ok ${pending.slice(0, end)}\n`);
        pending = pending.slice(end + 1);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type QueryCallback = (error: Error | null, reply: string) => void;

interface PendingQuery {
  readonly text: string;
  readonly callback: QueryCallback;
}

/** One connection: one query in flight, the reply handed to its callback from the `data` event. */
class PooledConnection {
  readonly socket: Socket;
  #current: PendingQuery | undefined;
  #received = '';

  constructor(port: number, next: () => PendingQuery | undefined, onIdle: (conn: PooledConnection) => void) {
    this.socket = connect(port, '127.0.0.1');
    const takeNext = (): void => {
      const query = next();
      if (query === undefined) onIdle(this);
      else this.send(query);
    };
    this.socket.on('connect', takeNext);
    this.socket.on('data', (chunk: Buffer) => {
      this.#received += chunk.toString('utf8');
      const end = this.#received.indexOf('\n');
      if (end === -1 || this.#current === undefined) return;
      const reply = this.#received.slice(0, end);
      this.#received = this.#received.slice(end + 1);
      const { callback } = this.#current;
      this.#current = undefined;
      takeNext();
      callback(null, reply);
    });
  }

  send(query: PendingQuery): void {
    this.#current = query;
    this.socket.write(`${query.text}\n`);
  }
}

/** At most `maxConnections` connections, opened on demand (or all at once by `warm()`). */
export class CallbackPool {
  readonly #port: number;
  readonly #maxConnections: number;
  readonly #connections: PooledConnection[] = [];
  readonly #idle: PooledConnection[] = [];
  readonly #waiting: PendingQuery[] = [];

  constructor(port: number, maxConnections: number) {
    this.#port = port;
    this.#maxConnections = maxConnections;
  }

  /** How many connections were opened. */
  get connectionCount(): number {
    return this.#connections.length;
  }

  /** Opens every connection now, the way a service warms its pool at start-up. */
  warm(): void {
    while (this.#connections.length < this.#maxConnections) this.#open();
  }

  query(text: string, callback: QueryCallback): void {
    const idle = this.#idle.pop();
    if (idle !== undefined) {
      idle.send({ text, callback });
      return;
    }
    this.#waiting.push({ text, callback });
    if (this.#connections.length < this.#maxConnections) this.#open();
  }

  /** The promise API over the same callbacks, as drivers offer it. */
  queryAsync(text: string): Promise<string> {
    return new Promise((resolve, reject) =>
      this.query(text, (error, reply) => (error === null ? resolve(reply) : reject(error))),
    );
  }

  end(): void {
    for (const connection of this.#connections) connection.socket.destroy();
  }

  #open(): void {
    const connection = new PooledConnection(
      this.#port,
      () => this.#waiting.shift(),
      (idle) => this.#idle.push(idle),
    );
    this.#connections.push(connection);
  }
}
