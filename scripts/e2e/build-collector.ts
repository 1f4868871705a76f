import { access, constants, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { e2eCacheRoot } from './cache-dir.ts';
import { requireGo } from './require-tool.ts';
import { runChecked } from './run-command.ts';
import { COLLECTOR_VERSION } from './versions.ts';

const CORE = 'go.opentelemetry.io/collector';
const CONTRIB = 'github.com/open-telemetry/opentelemetry-collector-contrib';
const BINARY_NAME = 'otelcol-e2e';
/** A cold build downloads a few hundred modules and compiles them on a small machine. */
const BUILD_TIMEOUT_MILLIS = 30 * 60_000;

/**
 * The components of the e2e Collector, all on one version. Besides what the chain test uses:
 * `probabilistic_sampler`, `filter`, the `forward` connector and the `otlphttp` exporter (the
 * sampler-interop test, and validating the README's gateway recipe as it is), and the `filelog`
 * receiver for the stdout and file sink tests. Not served by the module proxy at 0.159.0
 * (checked with `go mod download`): `otlpjsonconnector` and the `routing` connector (404),
 * `otlpjsonfilereceiver` (403 "This module version is not available").
 */
export const COLLECTOR_COMPONENTS = {
  receivers: [`${CORE}/receiver/otlpreceiver`, `${CONTRIB}/receiver/filelogreceiver`],
  processors: [
    `${CORE}/processor/batchprocessor`,
    `${CORE}/processor/memorylimiterprocessor`,
    `${CONTRIB}/processor/probabilisticsamplerprocessor`,
    `${CONTRIB}/processor/filterprocessor`,
  ],
  exporters: [
    `${CORE}/exporter/debugexporter`,
    `${CONTRIB}/exporter/fileexporter`,
    `${CORE}/exporter/otlphttpexporter`,
  ],
  connectors: [`${CORE}/connector/forwardconnector`],
} as const;

/** The builder manifest: only the components the suite uses, all on one version. */
export function collectorManifest(version: string, outputPath: string): string {
  const v = `v${version}`;
  const lines = [
    'dist:',
    '  module: example.com/logweave/otelcol-e2e',
    `  name: ${BINARY_NAME}`,
    '  description: OpenTelemetry Collector for the logweave e2e suite',
    `  output_path: ${JSON.stringify(outputPath)}`,
    `  version: ${version}`,
  ];
  for (const [kind, modules] of Object.entries(COLLECTOR_COMPONENTS)) {
    lines.push(`${kind}:`, ...modules.map((module) => `  - gomod: ${module} ${v}`));
  }
  return [...lines, ''].join('\n');
}

/**
 * The cache directory of a build: `otelcol-<version>-<hash of the manifest>`, so a build of
 * another component list is never taken for this one (the output path is left out of the hash:
 * it names a temporary directory).
 */
export function collectorCacheDir(cacheRoot: string, version: string): string {
  const hash = createHash('sha256').update(collectorManifest(version, '')).digest('hex').slice(0, 12);
  return join(cacheRoot, `otelcol-${version}-${hash}`);
}

export interface CollectorBuild {
  /** Absolute path of the Collector binary. */
  binary: string;
  /** True when the binary came from the cache. */
  cached: boolean;
  /** Wall time of this call. */
  millis: number;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cached Collector binary, if a complete build is in the cache. */
export async function cachedCollector(
  options: { cacheRoot?: string; version?: string } = {},
): Promise<string | undefined> {
  const binary = join(
    collectorCacheDir(options.cacheRoot ?? e2eCacheRoot(), options.version ?? COLLECTOR_VERSION),
    BINARY_NAME,
  );
  return (await isExecutable(binary)) ? binary : undefined;
}

/**
 * Returns the Collector binary for `version`, building it with the official builder
 * (`go install go.opentelemetry.io/collector/cmd/builder@v…`, from the Go module proxy) when the
 * cache has none. The build happens in a temporary directory beside the final one and is
 * renamed into place only when complete, so an interrupted build is never mistaken for a cached one.
 */
export async function ensureCollector(
  options: { cacheRoot?: string; version?: string; echo?: boolean } = {},
): Promise<CollectorBuild> {
  const started = performance.now();
  const version = options.version ?? COLLECTOR_VERSION;
  const cacheRoot = options.cacheRoot ?? e2eCacheRoot();
  const finalDir = collectorCacheDir(cacheRoot, version);
  const binary = join(finalDir, BINARY_NAME);
  if (await isExecutable(binary)) return { binary, cached: true, millis: performance.now() - started };

  await requireGo();
  await mkdir(cacheRoot, { recursive: true });
  const workDir = await mkdtemp(join(cacheRoot, `.otelcol-${version}-building-`));
  try {
    const env = { ...process.env, GOBIN: join(workDir, 'bin') };
    const echo = options.echo ?? false;
    await runChecked('go', ['install', `${CORE}/cmd/builder@v${version}`], {
      env,
      timeoutMillis: BUILD_TIMEOUT_MILLIS,
      echo,
    });
    const manifest = join(workDir, 'manifest.yaml');
    const outputPath = join(workDir, 'dist');
    await writeFile(manifest, collectorManifest(version, outputPath));
    await runChecked(join(workDir, 'bin', 'builder'), [`--config=${manifest}`], {
      cwd: workDir,
      env,
      timeoutMillis: BUILD_TIMEOUT_MILLIS,
      echo,
    });
    await mkdir(join(workDir, 'final'));
    await rename(join(outputPath, BINARY_NAME), join(workDir, 'final', BINARY_NAME));
    await writeFile(join(workDir, 'final', 'manifest.yaml'), collectorManifest(version, './dist'));
    try {
      await rename(join(workDir, 'final'), finalDir);
    } catch (error) {
      // Another run finished the same build first: keep theirs.
      if (!(await isExecutable(binary))) throw error;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return { binary, cached: false, millis: performance.now() - started };
}
