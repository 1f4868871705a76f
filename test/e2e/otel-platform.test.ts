// Issue 15's "done when": services configured as the OTel Operator configures a pod (gRPC on the
// Collector's port 4317-style endpoint, resource attributes and headers in the general
// variables) deliver every record to the real Collector through a restart, with the spool; and
// the `otlp/stdout` exporter's lines read by the Collector as Kubernetes collects container logs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureCollector } from '../../scripts/e2e/build-collector.ts';
import { freePort } from '../../scripts/e2e/free-port.ts';
import { killAll, startProcess } from '../../scripts/e2e/managed-process.ts';
import { flattenRequest, type ReceivedRecord } from '../helpers/otlp-records.ts';
import { waitForOutput } from './support/collector-records.ts';
import { startPlatformCollector, type PlatformCollector } from './support/platform-collector.ts';

const SERVICE = fileURLToPath(new URL('./support/platform-service.ts', import.meta.url));
const RESOURCE = {
  'service.version': '1.4.2',
  'k8s.namespace.name': 'shop',
  'k8s.deployment.name': 'checkout',
  'deployment.environment.name': 'prod',
};

let binary: string;
let workRoot: string;
const stops: Array<() => Promise<void>> = [];

/** The environment the OTel Operator injects (plus the spool directory, logweave's own). */
function operatorEnv(name: string, endpoint: string, spoolDir: string): NodeJS.ProcessEnv {
  const attributes = Object.entries({
    'service.name': name,
    ...RESOURCE,
    'k8s.pod.name': `${name}-7d9f8-x2x`,
  })
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join(',');
  return {
    PATH: process.env['PATH'],
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_RESOURCE_ATTRIBUTES: attributes,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-scope-orgid=shop,authorization=Bearer%20platform-token',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance,container',
    OTEL_BLRP_MAX_QUEUE_SIZE: '20000',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    LOGWEAVE_SPOOL_DIR: spoolDir,
    LOGWEAVE_SPOOL_REPLAY_BACKOFF: '200',
    LOGWEAVE_SPOOL_REPLAY_MAX_BACKOFF: '1000',
  };
}

describe('e2e: the OTel platform environment against the real Collector', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    binary = (await ensureCollector()).binary;
    workRoot = await mkdtemp(join(tmpdir(), 'logweave-e2e-platform-'));
  });
  after(async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => undefined);
    await killAll();
    if (process.env['LOGWEAVE_E2E_KEEP'] === undefined) await rm(workRoot, { recursive: true, force: true });
    else console.log(`[e2e] kept ${workRoot}`);
  });

  test('Operator-style env over gRPC: every record arrives with its resource, through a Collector restart', async () => {
    const dir = join(workRoot, 'grpc-restart');
    await mkdir(join(dir, 'out'), { recursive: true });
    const ports = { grpcPort: await freePort(), httpPort: await freePort() };
    let collector: PlatformCollector = await startPlatformCollector(binary, dir, 'collector-1', {
      ...ports,
      otlpOutputFile: join(dir, 'out', 'before.jsonl'),
    });
    stops.push(() => collector.process.stop('SIGTERM'));
    const count = 3000;
    const services = ['checkout', 'payments'].map((name) =>
      startProcess(name, process.execPath, [SERVICE], {
        env: {
          ...operatorEnv(name, collector.grpcEndpoint, join(dir, 'spool', name)),
          PLATFORM_COUNT: String(count),
          PLATFORM_RATE: '600',
          PLATFORM_PREFIX: name,
          STATS_FILE: join(dir, `${name}.stats.json`),
        },
        logFile: join(dir, `${name}.log`),
      }),
    );
    // Let records flow, then take the Collector away for a while and bring it back on the same ports.
    await waitForOutput(join(dir, 'out'), (output) => output.records.length >= 500, 60_000);
    await collector.process.stop('SIGTERM');
    const outageStarted = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    collector = await startPlatformCollector(binary, dir, 'collector-2', {
      ...ports,
      otlpOutputFile: join(dir, 'out', 'after.jsonl'),
    });
    const outageMillis = Date.now() - outageStarted;
    const exits = await Promise.all(services.map((service) => service.exited));
    assert.deepEqual(
      exits.map((exit) => exit.code),
      [0, 0],
      services.map((service) => service.output().slice(-2000)).join('\n'),
    );
    const { output } = await waitForOutput(
      join(dir, 'out'),
      (o) => uniqueKeys(o.records).size >= 2 * count,
      30_000,
    );
    const stats = await Promise.all(
      ['checkout', 'payments'].map(
        async (name) =>
          JSON.parse(await readFile(join(dir, `${name}.stats.json`), 'utf8')) as Record<string, unknown>,
      ),
    );
    const keys = uniqueKeys(output.records);
    const figures = {
      sentPerService: count,
      outageMillis,
      receivedRecords: output.records.length,
      uniqueRecords: keys.size,
      duplicates: output.records.length - keys.size,
      stats,
    };
    console.log(`[e2e] grpc restart: ${JSON.stringify(figures)}`);
    assert.equal(keys.size, 2 * count, 'every record of both services arrived');
    assert.ok(
      stats.every((s) => Number(s['spooled']) > 0),
      'the outage went through the spool',
    );
    for (const record of output.records) {
      for (const [key, value] of Object.entries(RESOURCE)) assert.equal(record.resource[key], value, key);
      assert.equal(record.resource['k8s.pod.name'], `${record.serviceName}-7d9f8-x2x`);
      assert.equal(typeof record.resource['host.name'], 'string');
      assert.equal(typeof record.resource['service.instance.id'], 'string');
      assert.match(String(record.attributes['request.id']), new RegExp(`^${record.serviceName}-\\d+$`));
    }
    // One resource per process: every record of a service carries the same resource, byte for byte.
    for (const name of ['checkout', 'payments']) {
      const resources = new Set(
        output.records.filter((r) => r.serviceName === name).map((r) => JSON.stringify(sorted(r.resource))),
      );
      assert.equal(resources.size, 1, `${name}: ${[...resources].join('\n')}`);
    }
  });

  test('otlp/stdout: the Collector reads the lines as container logs, one record each, ids intact', async () => {
    const dir = join(workRoot, 'stdout');
    await mkdir(join(dir, 'out'), { recursive: true });
    // The container runtime's side: the pod's stdout goes to a file the Collector's filelog reads.
    const containerLog = join(dir, 'checkout.log');
    const count = 400;
    const handle = await open(containerLog, 'w');
    const child = spawn(process.execPath, [SERVICE], {
      env: {
        PATH: process.env['PATH'],
        OTEL_LOGS_EXPORTER: 'otlp/stdout',
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=checkout-1',
        PLATFORM_COUNT: String(count),
        PLATFORM_RATE: '2000',
        PLATFORM_PREFIX: 'checkout',
      },
      stdio: ['ignore', handle.fd, 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await handle.close();
    assert.equal(code, 0);
    const lines = (await readFile(containerLog, 'utf8')).split('\n').filter((line) => line !== '');
    assert.equal(lines.length, count);

    const collector = await startPlatformCollector(binary, dir, 'collector-stdout', {
      grpcPort: await freePort(),
      httpPort: await freePort(),
      otlpOutputFile: join(dir, 'out', 'otlp.jsonl'),
      filelog: { include: [containerLog], outputFile: join(dir, 'out', 'filelog.jsonl') },
    });
    stops.push(() => collector.process.stop('SIGTERM'));
    // 1. filelog: each line is one log entry (nothing split or merged), its text intact.
    const entries = await waitForFile(join(dir, 'out', 'filelog.jsonl'), count);
    assert.equal(entries.length, count);
    assert.deepEqual(
      entries.map((entry) => entry.body),
      lines,
      'the Collector read every line whole, in order',
    );
    // 2. Each line is an OTLP/JSON request the Collector's own decoder (pdata's JSON unmarshaler,
    // which the otlpjson connector also uses) takes: posted to its OTLP/HTTP receiver as is.
    for (const line of lines) {
      const response = await fetch(collector.httpLogsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
      });
      assert.equal(response.status, 200, await response.text());
    }
    const decoded = await waitForFile(join(dir, 'out', 'otlp.jsonl'), count);
    assert.equal(decoded.length, count);
    decoded.forEach((record, i) => {
      assert.equal(record.attributes['request.id'], `checkout-${i}`);
      assert.equal(record.traceId.slice(0, 24), (i + 1).toString(16).padStart(24, '0'));
      assert.equal(record.resource['k8s.pod.name'], 'checkout-1');
      assert.equal(record.serviceName, 'checkout');
    });
  });
});

/** `service|request.id`: one per emitted record (each request logs once). */
function uniqueKeys(records: readonly ReceivedRecord[]): Set<string> {
  return new Set(records.map((record) => `${record.serviceName}|${String(record.attributes['request.id'])}`));
}

function sorted(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
}

/** Waits until the file exporter's file holds `count` records. */
async function waitForFile(file: string, count: number): Promise<ReceivedRecord[]> {
  const deadline = Date.now() + 30_000;
  let records: ReceivedRecord[] = [];
  while (Date.now() < deadline) {
    try {
      records = (await readFile(file, 'utf8'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => flattenRequest(JSON.parse(line)));
    } catch {
      records = [];
    }
    if (records.length >= count) return records;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return records;
}
