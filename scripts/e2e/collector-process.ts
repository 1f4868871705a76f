import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectorConfig, type CollectorConfigOptions } from './collector-config.ts';
import { startProcess, type ManagedProcess } from './managed-process.ts';

export interface RunningCollector {
  readonly process: ManagedProcess;
  /** `http://127.0.0.1:<port>/v1/logs` */
  readonly logsUrl: string;
  readonly outputFile: string;
}

/** Polls until the OTLP/HTTP receiver answers (any status), or fails with the Collector's output. */
async function waitUntilListening(collector: RunningCollector, timeoutMillis: number): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  let exitedEarly = false;
  void collector.process.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline) {
    if (exitedEarly) break;
    try {
      // An empty export request: accepted (200) or refused by the memory limiter (503).
      const response = await fetch(collector.logsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(1_000),
      });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await collector.process.stop('SIGKILL');
  throw new Error(
    `the Collector did not start listening on ${collector.logsUrl} within ${timeoutMillis} ms` +
      `${exitedEarly ? ' (it exited)' : ''}. Its output:\n${collector.process.output().slice(-4_000)}`,
  );
}

/**
 * Writes a config for `options` into `workDir` and starts the Collector binary with it, then
 * waits until its receiver answers. `name` distinguishes config and log files of restarts.
 */
export function startCollector(
  binary: string,
  workDir: string,
  name: string,
  options: CollectorConfigOptions,
): Promise<RunningCollector> {
  return startCollectorWithConfig(binary, workDir, name, {
    httpPort: options.httpPort,
    outputFile: options.outputFile,
    configText: collectorConfig(options),
  });
}

/** Like `startCollector`, with a config written elsewhere (its receiver on 127.0.0.1:`httpPort`). */
export async function startCollectorWithConfig(
  binary: string,
  workDir: string,
  name: string,
  options: { httpPort: number; outputFile: string; configText: string },
): Promise<RunningCollector> {
  const configFile = join(workDir, `${name}.yaml`);
  await writeFile(configFile, options.configText);
  const managed = startProcess(name, binary, [`--config=${configFile}`], {
    logFile: join(workDir, `${name}.log`),
  });
  const collector: RunningCollector = {
    process: managed,
    logsUrl: `http://127.0.0.1:${options.httpPort}/v1/logs`,
    outputFile: options.outputFile,
  };
  await waitUntilListening(collector, 30_000);
  return collector;
}
