import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../scripts/e2e/free-port.ts';
import { startProcess, type ManagedProcess } from '../../../scripts/e2e/managed-process.ts';

const APP = fileURLToPath(new URL('../../../examples/python-payments/app.py', import.meta.url));

export interface PaymentsService {
  readonly url: string;
  readonly process: ManagedProcess;
  /** Records the Python service handed to its SDK. */
  emitted(): Promise<number>;
  /** `LoggerProvider.force_flush()` in the service. */
  flush(): Promise<void>;
}

/** Starts examples/python-payments/app.py with the venv's interpreter, exporting to `logsUrl`. */
export async function startPayments(
  python: string,
  logsUrl: string,
  workDir: string,
): Promise<PaymentsService> {
  const port = await freePort();
  const managed = startProcess('payments', python, [APP], {
    logFile: join(workDir, 'payments.log'),
    env: {
      PATH: process.env['PATH'],
      PAYMENTS_HOST: '127.0.0.1',
      PAYMENTS_PORT: String(port),
      OTEL_SERVICE_NAME: 'payments',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: logsUrl,
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      PYTHONUNBUFFERED: '1',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let exited = false;
  void managed.exited.then(() => (exited = true));
  for (;;) {
    try {
      const response = await fetch(`${url}/internal/stats`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) {
      await managed.stop('SIGKILL');
      throw new Error(`the Python payments service did not start:\n${managed.output().slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: managed,
    async emitted() {
      const response = await fetch(`${url}/internal/stats`);
      return ((await response.json()) as { emitted: number }).emitted;
    },
    async flush() {
      const response = await fetch(`${url}/internal/flush`, {
        method: 'POST',
        signal: AbortSignal.timeout(40_000),
      });
      await response.arrayBuffer();
    },
  };
}
