// Every row of the README's "OTel environment variables" table, checked with its spec meaning.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENV_TABLE } from '../../src/config/env-table.ts';
import { resolveOptions } from '../../src/config/resolve-options.ts';
import { DEFAULTS } from '../../src/index.ts';

const readme = await import('node:fs').then((fs) =>
  fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
);
const table = readme.slice(
  readme.indexOf('### OTel environment variables'),
  readme.indexOf('<!-- section:sampling -->'),
);
/** Variable names of the table's first column (wildcards such as `OTEL_BSP_*` left out). */
const tableVariables = [...table.matchAll(/^\| (.+?) \|/gm)]
  .flatMap((row) => [...(row[1] ?? '').matchAll(/`(OTEL_[A-Z0-9_]+)`/g)].map((match) => match[1] ?? ''))
  .filter((name) => name !== '');

const resolve = (env: Record<string, string>) => resolveOptions({ env, handleSignals: false });
const pem = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-pem-'));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  return file;
})();

/** One check per variable: the honoured meaning, and what an invalid value does. */
const CHECKS: Record<string, () => void> = {
  OTEL_SDK_DISABLED() {
    assert.equal(resolve({ OTEL_SDK_DISABLED: 'true' }).sdkDisabled, true);
    assert.equal(resolve({ OTEL_SDK_DISABLED: 'false' }).sdkDisabled, false);
    const invalid = resolve({ OTEL_SDK_DISABLED: 'maybe' });
    assert.equal(invalid.sdkDisabled, false);
    assert.match(invalid.environmentWarnings.join('\n'), /OTEL_SDK_DISABLED/);
  },
  OTEL_SERVICE_NAME() {
    assert.equal(resolve({ OTEL_SERVICE_NAME: 'orders' }).serviceName, 'orders');
    assert.equal(
      resolve({ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' }).serviceName,
      'orders',
    );
  },
  OTEL_RESOURCE_ATTRIBUTES() {
    const options = resolve({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout,team=pay%20ments' });
    assert.equal(options.serviceName, 'checkout');
    assert.equal(options.resourceAttributes['team'], 'pay ments');
    const invalid = resolve({ OTEL_RESOURCE_ATTRIBUTES: 'team=a,broken' });
    assert.deepEqual(invalid.resourceAttributes, {}, 'the whole value is discarded');
    assert.match(invalid.environmentWarnings.join('\n'), /OTEL_RESOURCE_ATTRIBUTES/);
  },
  OTEL_NODE_RESOURCE_DETECTORS() {
    assert.deepEqual(resolve({ OTEL_NODE_RESOURCE_DETECTORS: 'host, process' }).resourceDetectors, [
      'host',
      'process',
    ]);
    assert.deepEqual(resolve({ OTEL_NODE_RESOURCE_DETECTORS: 'none' }).resourceDetectors, []);
    assert.equal(resolve({}).resourceDetectors.length, 6, 'all by default');
    const unknown = resolve({ OTEL_NODE_RESOURCE_DETECTORS: 'gcp,host' });
    assert.deepEqual(unknown.resourceDetectors, ['host']);
    assert.match(unknown.environmentWarnings.join('\n'), /"gcp" is ignored/);
  },
  OTEL_LOGS_EXPORTER() {
    assert.deepEqual(resolve({ OTEL_LOGS_EXPORTER: 'otlp,console' }).exporter, ['otlp', 'console']);
    assert.equal(resolve({ OTEL_LOGS_EXPORTER: 'otlp/stdout' }).exporter, 'otlp/stdout');
    assert.equal(resolve({ OTEL_LOGS_EXPORTER: 'zipkin' }).exporter, DEFAULTS.exporter);
  },
  OTEL_EXPORTER_OTLP_ENDPOINT() {
    assert.equal(
      resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }).otlp.url,
      'http://c:4318/v1/logs',
    );
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'c:4318' }).otlp.url, DEFAULTS.otlp.url);
  },
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT() {
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://c:1/x' }).otlp.url, 'http://c:1/x');
  },
  OTEL_EXPORTER_OTLP_PROTOCOL() {
    const grpc = resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    assert.equal(grpc.otlp.protocol, 'grpc');
    assert.equal(grpc.otlp.url, 'http://localhost:4317', 'the gRPC port by default');
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' }).otlp.protocol, 'http/protobuf');
    assert.equal(
      resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }).otlp.url,
      'http://c:4317',
      'gRPC takes the general endpoint as it is',
    );
  },
  OTEL_EXPORTER_OTLP_LOGS_PROTOCOL() {
    assert.equal(
      resolve({ OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).otlp
        .protocol,
      'http/json',
    );
  },
  OTEL_EXPORTER_OTLP_HEADERS() {
    assert.deepEqual(resolve({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2' }).otlp.headers, { a: '1', b: '2' });
  },
  OTEL_EXPORTER_OTLP_LOGS_HEADERS() {
    assert.deepEqual(
      resolve({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'b=3' }).otlp.headers,
      { a: '1', b: '3' },
    );
  },
  OTEL_EXPORTER_OTLP_TIMEOUT() {
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_TIMEOUT: '0' }).otlp.timeoutMillis, 0);
    assert.equal(
      resolve({ OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }).otlp.timeoutMillis,
      DEFAULTS.otlp.timeoutMillis,
    );
  },
  OTEL_EXPORTER_OTLP_LOGS_TIMEOUT() {
    assert.equal(
      resolve({ OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '5', OTEL_EXPORTER_OTLP_TIMEOUT: '9' }).otlp.timeoutMillis,
      5,
    );
  },
  OTEL_EXPORTER_OTLP_COMPRESSION() {
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }).otlp.compression, 'gzip');
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }).otlp.compression, 'none');
  },
  OTEL_EXPORTER_OTLP_LOGS_COMPRESSION() {
    assert.equal(resolve({ OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip' }).otlp.compression, 'gzip');
  },
  OTEL_EXPORTER_OTLP_CERTIFICATE() {
    assert.ok(resolve({ OTEL_EXPORTER_OTLP_CERTIFICATE: pem }).otlpTls.ca?.toString().includes('BEGIN'));
    const missing = resolve({ OTEL_EXPORTER_OTLP_CERTIFICATE: '/nonexistent/ca.pem' });
    assert.equal(missing.otlpTls.ca, undefined);
    assert.match(missing.environmentWarnings.join('\n'), /OTEL_EXPORTER_OTLP_CERTIFICATE/);
  },
  OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE() {
    assert.ok(resolve({ OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: pem }).otlpTls.ca !== undefined);
  },
  OTEL_EXPORTER_OTLP_CLIENT_KEY() {
    const both = resolve({ OTEL_EXPORTER_OTLP_CLIENT_KEY: pem, OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem });
    assert.ok(both.otlpTls.key !== undefined && both.otlpTls.cert !== undefined);
    const alone = resolve({ OTEL_EXPORTER_OTLP_CLIENT_KEY: pem });
    assert.equal(alone.otlpTls.key, undefined, 'a key without a certificate sends none');
    assert.match(alone.environmentWarnings.join('\n'), /both a client key and a client certificate/);
  },
  OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY() {
    const both = resolve({
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: pem,
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: pem,
    });
    assert.ok(both.otlpTls.key !== undefined);
  },
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE() {
    CHECKS['OTEL_EXPORTER_OTLP_CLIENT_KEY']!();
  },
  OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE() {
    CHECKS['OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY']!();
  },
  OTEL_BLRP_SCHEDULE_DELAY: () =>
    assert.equal(resolve({ OTEL_BLRP_SCHEDULE_DELAY: '7' }).batch.scheduledDelayMillis, 7),
  OTEL_BLRP_EXPORT_TIMEOUT: () =>
    assert.equal(resolve({ OTEL_BLRP_EXPORT_TIMEOUT: '7' }).batch.exportTimeoutMillis, 7),
  OTEL_BLRP_MAX_QUEUE_SIZE() {
    assert.equal(resolve({ OTEL_BLRP_MAX_QUEUE_SIZE: '7' }).batch.maxQueueSize, 7);
    assert.equal(resolve({ OTEL_BLRP_MAX_QUEUE_SIZE: '-1' }).batch.maxQueueSize, DEFAULTS.batch.maxQueueSize);
  },
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: () =>
    assert.equal(resolve({ OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '7' }).batch.maxExportBatchSize, 7),
  OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: () =>
    assert.equal(
      resolve({ OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: '3', OTEL_ATTRIBUTE_COUNT_LIMIT: '9' }).limits
        .attributeCountLimit,
      3,
    ),
  OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: () =>
    assert.equal(
      resolve({ OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3' }).limits.attributeValueLengthLimit,
      3,
    ),
  OTEL_ATTRIBUTE_COUNT_LIMIT: () =>
    assert.equal(resolve({ OTEL_ATTRIBUTE_COUNT_LIMIT: '9' }).limits.attributeCountLimit, 9),
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: () =>
    assert.equal(resolve({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '9' }).limits.attributeValueLengthLimit, 9),
};

/** Not applicable: set to anything, they change nothing and never stop the start. */
const NOT_APPLICABLE = [
  'OTEL_EXPORTER_OTLP_INSECURE',
  'OTEL_EXPORTER_OTLP_LOGS_INSECURE',
  'OTEL_LOG_LEVEL',
  'OTEL_PROPAGATORS',
  'OTEL_CONFIG_FILE',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_TRACES_SAMPLER',
];

test('every variable of the README table is checked here, and every OTEL_* variable read is in the table', () => {
  const checked = new Set([...Object.keys(CHECKS), ...NOT_APPLICABLE]);
  assert.deepEqual(
    tableVariables.filter((name) => !checked.has(name)),
    [],
  );
  assert.deepEqual(
    [...checked].filter((name) => !tableVariables.includes(name)),
    [],
  );
  const read = ENV_TABLE.map((entry) => entry.name).filter((name) => name.startsWith('OTEL_'));
  assert.deepEqual(
    read.filter((name) => !tableVariables.includes(name)),
    [],
  );
});

for (const [name, check] of Object.entries(CHECKS)) {
  test(`${name}: as the OTel SDK spec says`, () => check());
}

test('not-applicable variables change nothing, whatever their value', () => {
  const baseline = resolve({});
  const env = Object.fromEntries(NOT_APPLICABLE.map((name) => [name, '%%% not a value']));
  const options = resolve(env);
  assert.deepEqual({ ...options, diagnosticWriter: undefined }, { ...baseline, diagnosticWriter: undefined });
});
