import { fork, type ChildProcess } from 'node:child_process';
import type { StatsSnapshot } from '../../src/index.ts';
import { SERVICE_HOST_PATH, type HostMessage, type Peers, type ServiceName } from './demo-protocol.ts';

const STARTUP_TIMEOUT_MILLIS = 30_000;
const STOP_TIMEOUT_MILLIS = 20_000;

/**
 * The demo's service processes (service-host.ts, over IPC). Whatever happens, none outlives the
 * demo: on exit the survivors are killed, and a service whose IPC channel closes stops itself.
 */
export class ServiceProcesses {
  readonly #children = new Map<ServiceName, ChildProcess>();
  readonly #env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv) {
    this.#env = env;
    process.on('exit', () => this.killAll());
  }

  /** Starts a service; resolves with its URL once it listens. */
  start(name: ServiceName): Promise<string> {
    const child = fork(SERVICE_HOST_PATH, [name], {
      execPath: process.execPath,
      env: { ...process.env, ...this.#env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#children.set(name, child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${STARTUP_TIMEOUT_MILLIS} ms`)),
        STARTUP_TIMEOUT_MILLIS,
      );
      child.on('message', (message: HostMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message.url);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited during start-up (${signal ?? `status ${code}`})`));
      });
    });
  }

  /** Tells every service where the others listen. */
  sendPeers(peers: Peers): void {
    for (const child of this.#children.values()) child.send({ type: 'peers', peers } satisfies HostMessage);
  }

  /** Asks a service to stop: it closes its server, flushes its pipeline, reports its stats and exits. */
  stop(name: ServiceName): Promise<StatsSnapshot> {
    const child = this.#children.get(name);
    if (child === undefined) return Promise.reject(new Error(`${name} is not running`));
    return new Promise((resolve, reject) => {
      let stats: StatsSnapshot | undefined;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not stop within ${STOP_TIMEOUT_MILLIS} ms`));
      }, STOP_TIMEOUT_MILLIS);
      child.on('message', (message: HostMessage) => {
        if (message.type === 'stopped') stats = message.stats;
      });
      child.on('exit', () => {
        clearTimeout(timer);
        if (stats === undefined) reject(new Error(`${name} exited without reporting its stats`));
        else resolve(stats);
      });
      child.send({ type: 'stop' } satisfies HostMessage);
    });
  }

  /** Kills every service still running. */
  killAll(): void {
    for (const child of this.#children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}
