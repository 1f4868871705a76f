import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HttpVariant, RunnerMessage, ServerMessage } from './variants.ts';

const SERVER_SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));

/** The runner's handle on one server process. */
export interface ServerHandle {
  variant: HttpVariant;
  url: string;
  /** Asks the server to drain its logger; resolves with the records its exporter has seen so far. */
  flush(): Promise<Omit<Extract<ServerMessage, { type: 'flushed' }>, 'type'>>;
  close(): Promise<void>;
}

function nextMessage<T extends ServerMessage['type']>(
  child: ChildProcess,
  type: T | 'unavailable',
  timeoutMillis: number,
): Promise<Extract<ServerMessage, { type: T | 'unavailable' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${type}" from the server within ${timeoutMillis} ms`)),
      timeoutMillis,
    );
    const onMessage = (message: ServerMessage): void => {
      if (message.type === type || message.type === 'unavailable') finish(undefined, message);
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`the server process exited (code ${code})`));
    function finish(error?: Error, message?: ServerMessage): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as Extract<ServerMessage, { type: T | 'unavailable' }>);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Starts `variant` in its own Node process (same Node, same flags as the runner), stdout to
 * /dev/null so loggers that print pay for a real write. Resolves with the reason when the
 * variant depends on something that has not landed yet.
 */
export async function startServerProcess(
  variant: HttpVariant,
  nodeFlags: string[] = [],
): Promise<ServerHandle | { unavailable: string }> {
  const child = fork(SERVER_SCRIPT, [variant], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, ...nodeFlags],
  });
  const started = await nextMessage(child, 'listening', 30_000);
  if (started.type === 'unavailable') {
    child.kill();
    return { unavailable: started.reason };
  }
  const send = (message: RunnerMessage): void => {
    child.send(message);
  };
  return {
    variant,
    url: `http://127.0.0.1:${started.port}/orders/1042`,
    async flush() {
      const reply = nextMessage(child, 'flushed', 60_000);
      send({ type: 'flush' });
      const message = await reply;
      if (message.type !== 'flushed') throw new Error(message.reason);
      const { type: _type, ...flushed } = message;
      return flushed;
    },
    close() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        send({ type: 'close' });
      });
    },
  };
}
