/**
 * One HTTP contender in its own process, so the load generator (in the runner) and the server
 * each get a core of their own and the server's event loop is not shared with autocannon.
 *
 *   node bench/http/server-process.ts '<variant>'   (started by the runner with an IPC channel)
 */
import { NotAvailableYet, startServer } from './servers.ts';
import { isHttpVariant, type RunnerMessage, type ServerMessage } from './variants.ts';

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

const variant = process.argv[2] ?? '';
if (!isHttpVariant(variant) || process.send === undefined) {
  console.error(`usage: started by bench/run.ts with a variant name and an IPC channel (got "${variant}")`);
  process.exit(2);
}

try {
  const server = await startServer(variant);
  process.on('message', (message: RunnerMessage) => {
    if (message.type === 'flush') {
      const flushed = server.pipeline?.logging.forceFlush() ?? Promise.resolve();
      void flushed.then(() =>
        send({
          type: 'flushed',
          exportedRecords: server.pipeline?.exporter.records ?? 0,
          diagnostics: server.pipeline?.diagnostics ?? [],
          rssBytes: process.memoryUsage.rss(),
          heapUsedBytes: process.memoryUsage().heapUsed,
          cpuMicros: cpuMicros(),
        }),
      );
    } else if (message.type === 'close') {
      void server.close().then(() => process.exit(0));
    }
  });
  send({ type: 'listening', port: server.port });
} catch (error) {
  if (!(error instanceof NotAvailableYet)) throw error;
  send({ type: 'unavailable', reason: error.message });
  process.disconnect();
}
