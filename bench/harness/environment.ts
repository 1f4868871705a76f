import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

/** Packages whose versions decide the numbers (ours, OTel's, the peers'). */
const PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/exporter-logs-otlp-proto',
  '@opentelemetry/exporter-logs-otlp-http',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/instrumentation-pino',
  'pino',
  'pino-http',
  'winston',
  'express',
  'fastify',
  '@fastify/request-context',
  'autocannon',
];

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
      version: string;
    };
    return manifest.version;
  } catch {
    // Packages whose exports map hides package.json: read it from node_modules directly.
    try {
      const path = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
      return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  }
}

function gitDescription(): string {
  try {
    const cwd = new URL('../..', import.meta.url);
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'integrations'], {
      cwd,
      encoding: 'utf8',
    });
    return dirty.trim() === '' ? commit : `${commit} + uncommitted changes in src/ or integrations/`;
  } catch {
    return 'unknown';
  }
}

/** The machine, runtime and versions, as a markdown list for the report's header. */
export function describeEnvironment(): string {
  const cpus = os.cpus();
  const logweave = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  const lines = [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} (${os.arch()})`,
    `- load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `- Node ${process.version} (V8 ${process.versions.v8}), flags: ${process.execArgv.join(' ') || 'none'}`,
    `- logweave ${logweave} at ${gitDescription()}`,
    `- ${PACKAGES.map((name) => `${name} ${versionOf(name)}`).join(', ')}`,
  ];
  return lines.join('\n');
}
