// Zero-code path: `node --import @opentelemetry/auto-instrumentations-node/register` with logweave.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { runNodeScript } from '../helpers/run-cli-process.ts';

const APP = fileURLToPath(new URL('../fixtures/zero-code-app.ts', import.meta.url));

const BODIES = [
  'from pino',
  'from winston',
  'from bunyan',
  'from the facade',
  'from @opentelemetry/api logs',
  'from @opentelemetry/api-logs',
];

for (const mode of ['require', 'import'] as const) {
  test(`auto-instrumentations-node register (${mode}): pino, winston, bunyan and both logs APIs reach logweave once`, async (t) => {
    const receiver = await startOtlpReceiver();
    t.after(() => receiver.close());
    const base = receiver.url.replace(/\/v1\/logs$/, '');
    // As the README says: ESM applications also load the instrumentation hook (OTel's own advice).
    const nodeArgs = [
      ...(mode === 'import'
        ? [
            '--import',
            'data:text/javascript,import{register}from"node:module";import{pathToFileURL}from"node:url";register("@opentelemetry/instrumentation/hook.mjs",pathToFileURL("./"))',
          ]
        : []),
      '--import',
      '@opentelemetry/auto-instrumentations-node/register',
      APP,
    ];
    const result = await runNodeScript(nodeArgs[0] ?? '', nodeArgs.slice(1), {
      env: {
        ...process.env,
        ZERO_CODE_MODE: mode,
        // The register script's NodeSDK reads the same platform environment as logweave.
        OTEL_EXPORTER_OTLP_ENDPOINT: base,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pino,winston,bunyan',
        // No cloud detectors: they would ask metadata servers beyond loopback.
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance,container',
        OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=zero-code-1',
      },
      timeoutMillis: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const records = await receiver.waitForRecords(BODIES.length).catch((error: unknown) => {
      throw new Error(
        `${String(error)}: ${receiver.records.map((r) => String(r.body)).join(', ')}\n${result.stderr}`,
      );
    });
    // The child has exited: a second pipeline (the NodeSDK's own) would have exported at shutdown.
    assert.deepEqual(
      records.map((record) => String(record.body)).sort(),
      [...BODIES].sort(),
      'each exactly once, none below the level',
    );
    assert.equal(
      new Set(receiver.requests.map((request) => JSON.stringify(resourcesOf(request.decoded)))).size,
      1,
    );
    for (const record of records) {
      assert.equal(record.serviceName, 'zero-code');
      assert.equal(record.resource['k8s.pod.name'], 'zero-code-1');
    }
    for (const body of ['from pino', 'from winston', 'from bunyan', 'from the facade']) {
      assert.equal(records.find((record) => record.body === body)?.attributes['request.id'], 'zc-1', body);
    }
    assert.match(
      result.stderr,
      /global_logger_provider/,
      'the replacement of the NodeSDK provider is said once',
    );
    // The instrumentations' package.json is not exported: read from where npm put it.
    const versions = ['pino', 'winston', 'bunyan'].map((name) => {
      const file = new URL(
        `../../node_modules/@opentelemetry/instrumentation-${name}/package.json`,
        import.meta.url,
      );
      return `${name} ${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}`;
    });
    console.log(`[zero-code] instrumentations: ${versions.join(', ')}`);
  });
}

function resourcesOf(decoded: unknown): unknown {
  return (decoded as { resourceLogs: Array<{ resource: unknown }> }).resourceLogs.map((r) => r.resource);
}
