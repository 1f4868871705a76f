import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from '../../../scripts/e2e/managed-process.ts';

/** A Collector as a platform runs it: OTLP over gRPC and HTTP, and container logs read from files. */
export interface PlatformCollectorOptions {
  grpcPort: number;
  httpPort: number;
  /** Where the OTLP pipeline's file exporter writes (directory must exist). */
  otlpOutputFile: string;
  /** Files the filelog receiver reads from the beginning, as container logs; none: no such pipeline. */
  filelog?: { include: string[]; outputFile: string };
}

/**
 * No batch processor and an unbuffered file exporter (rotation configured), so an OTLP answer
 * means the records are in the file: what a restart loses is then the sender's business alone.
 */
export function platformCollectorConfig(options: PlatformCollectorOptions): string {
  const fileExporter = (path: string) => ({
    path,
    format: 'json',
    rotation: { max_megabytes: 1024, max_backups: 1 },
  });
  const receivers: Record<string, unknown> = {
    otlp: {
      protocols: {
        grpc: { endpoint: `127.0.0.1:${options.grpcPort}` },
        http: { endpoint: `127.0.0.1:${options.httpPort}` },
      },
    },
  };
  const exporters: Record<string, unknown> = { 'file/otlp': fileExporter(options.otlpOutputFile) };
  const pipelines: Record<string, unknown> = {
    logs: { receivers: ['otlp'], exporters: ['file/otlp'] },
  };
  if (options.filelog !== undefined) {
    receivers['filelog'] = { include: options.filelog.include, start_at: 'beginning', poll_interval: '50ms' };
    exporters['file/filelog'] = fileExporter(options.filelog.outputFile);
    pipelines['logs/filelog'] = { receivers: ['filelog'], exporters: ['file/filelog'] };
  }
  const config = {
    receivers,
    exporters,
    service: { telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } }, pipelines },
  };
  return JSON.stringify(config, null, 2) + '\n';
}

export interface PlatformCollector {
  readonly process: ManagedProcess;
  /** `http://127.0.0.1:<grpcPort>`: what the Operator puts in OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly grpcEndpoint: string;
  readonly httpLogsUrl: string;
}

/** Starts the Collector and waits until its OTLP/HTTP receiver answers (gRPC starts with it). */
export async function startPlatformCollector(
  binary: string,
  workDir: string,
  name: string,
  options: PlatformCollectorOptions,
): Promise<PlatformCollector> {
  const configFile = join(workDir, `${name}.yaml`);
  await writeFile(configFile, platformCollectorConfig(options));
  const managed = startProcess(name, binary, [`--config=${configFile}`], {
    logFile: join(workDir, `${name}.log`),
  });
  const httpLogsUrl = `http://127.0.0.1:${options.httpPort}/v1/logs`;
  let exited = false;
  void managed.exited.then(() => (exited = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(httpLogsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(1_000),
      });
      await response.arrayBuffer();
      return { process: managed, grpcEndpoint: `http://127.0.0.1:${options.grpcPort}`, httpLogsUrl };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await managed.stop('SIGKILL');
  throw new Error(`the Collector did not start (${name}). Its output:\n${managed.output().slice(-4_000)}`);
}
