import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL cluster that listens on a Unix socket in its own directory only. */
export interface PostgresServer {
  /** The socket directory: pg's `host` for a Unix-socket connection. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  stop(): Promise<void>;
}

// The socket file is `<dir>/.s.PGSQL.<port>`: the directory is ours, so any port number will do.
const PORT = 5432;

/** Debian keeps the server programs out of PATH, under /usr/lib/postgresql/<version>/bin. */
function debianBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql').map((version) => join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    return [];
  }
}

function findProgram(name: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(':'), ...debianBinDirs()]) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The uid/gid to run PostgreSQL as: it refuses to run as root. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  try {
    const [uid, gid] = ['-u', '-g'].map((flag) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()),
    );
    return uid === undefined || gid === undefined ? undefined : { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Starts a cluster made for the test (`initdb`, then `postgres`), or returns why it cannot:
 * the tests that use it skip on a machine without PostgreSQL's server programs.
 */
export async function startPostgres(): Promise<PostgresServer | string> {
  const initdb = findProgram('initdb');
  const postgres = findProgram('postgres');
  if (initdb === undefined || postgres === undefined)
    return 'no PostgreSQL server programs (initdb, postgres)';
  const account = serverAccount();
  if (account === undefined) return 'running as root and there is no postgres account to run the server as';
  const dir = mkdtempSync(join(tmpdir(), 'logweave-pg-'));
  chownSync(dir, account.uid, account.gid);
  const data = join(dir, 'data');
  const user = 'logweave';
  // The C locale keeps the server's messages (the readiness line below) in English.
  const env = { ...process.env, LC_ALL: 'C' };
  execFileSync(initdb, ['-D', data, '-U', user, '-A', 'trust', '--no-sync', '--locale=C', '-E', 'UTF8'], {
    ...account,
    env,
    stdio: 'ignore',
  });
  const server: ChildProcess = spawn(
    postgres,
    ['-D', data, '-k', dir, '-p', String(PORT), '-c', 'listen_addresses=', '-c', 'fsync=off'],
    { ...account, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // A test process that dies early must not leave the server running.
  const killOnExit = (): void => void server.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onLog = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (!log.includes('ready to accept connections')) return;
      server.stderr?.off('data', onLog).resume();
      resolve();
    };
    server.stderr?.on('data', onLog);
    server.once('exit', (code) => reject(new Error(`postgres exited with ${code}: ${log}`)));
  });
  return {
    host: dir,
    port: PORT,
    user,
    async stop() {
      server.kill('SIGINT'); // fast shutdown
      await exited;
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
