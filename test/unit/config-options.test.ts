import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { resolveOptions } from '../../src/config/resolve-options.ts';
import { createLogging, DEFAULTS, LogweaveConfigError, type LoggingOptions } from '../../src/index.ts';

/** The options as the pipeline uses them (secrets included; `logging.resolvedOptions` hides them). */
function resolved(options: LoggingOptions) {
  return resolveOptions({ handleSignals: false, exporter: 'none', ...options });
}

function configError(options: LoggingOptions): LogweaveConfigError {
  try {
    createLogging({ handleSignals: false, ...options });
  } catch (error) {
    assert.ok(error instanceof LogweaveConfigError, `expected LogweaveConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('createLogging accepted an invalid configuration');
}

describe('options, env vars and defaults', () => {
  test('defaults are finite and documented in one place', () => {
    const options = resolved({ env: {} });
    assert.equal(options.serviceName, DEFAULTS.serviceName);
    assert.equal(options.otlp.url, 'http://localhost:4318/v1/logs');
    assert.equal(options.otlp.protocol, 'http/protobuf');
    assert.equal(options.batch.maxQueueSize, 2048);
    assert.equal(options.batch.maxExportBatchSize, 512);
    assert.equal(options.limits.attributeValueLengthLimit, 8192);
    assert.equal(options.requestId.header, 'x-request-id');
    assert.equal(options.shutdownTimeoutMillis, 5000);
  });

  test('OTel env vars are read with their spec meaning', () => {
    const options = resolved({
      env: {
        OTEL_SERVICE_NAME: 'orders',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=pay%20ments',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x',
        OTEL_BLRP_MAX_QUEUE_SIZE: '100',
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '500',
        OTEL_BLRP_SCHEDULE_DELAY: '250',
        OTEL_BLRP_EXPORT_TIMEOUT: '2000',
        OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64',
        OTEL_ATTRIBUTE_COUNT_LIMIT: '10',
      },
    });
    assert.equal(options.serviceName, 'orders');
    assert.deepEqual(options.resourceAttributes, {
      'deployment.environment.name': 'prod',
      team: 'pay ments',
    });
    assert.equal(options.otlp.url, 'http://collector:4318/v1/logs');
    assert.equal(options.otlp.protocol, 'http/json');
    assert.deepEqual(options.otlp.headers, { authorization: 'Bearer x' });
    assert.deepEqual(options.batch, {
      maxQueueSize: 100,
      maxExportBatchSize: 100, // clamped to the queue size, as the SDK does
      scheduledDelayMillis: 250,
      exportTimeoutMillis: 2000,
    });
    assert.deepEqual(options.limits, {
      ...DEFAULTS.limits,
      attributeCountLimit: 10,
      attributeValueLengthLimit: 64,
    });
  });

  test('the signal-specific endpoint is used verbatim and wins over the generic one', () => {
    const options = resolved({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/custom',
      },
    });
    assert.equal(options.otlp.url, 'http://logs:9999/custom');
  });

  test('precedence: options, then config file, then env vars, then defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-config-'));
    const file = join(dir, 'logweave.yaml');
    writeFileSync(file, 'serviceName: from-file\nlevel: debug\nbatch:\n  maxQueueSize: 300\n');
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      LOGWEAVE_LEVEL: 'warn',
      OTEL_BLRP_SCHEDULE_DELAY: '5',
      LOGWEAVE_CONFIG: file,
    };
    const fromFile = resolved({ env });
    assert.equal(fromFile.serviceName, 'from-file');
    assert.equal(fromFile.level, 'debug');
    assert.equal(fromFile.batch.maxQueueSize, 300);
    assert.equal(fromFile.batch.scheduledDelayMillis, 5, 'env fills what the file leaves out');
    const fromCode = resolved({ env, serviceName: 'from-code', batch: { maxQueueSize: 7 } });
    assert.equal(fromCode.serviceName, 'from-code');
    assert.equal(fromCode.batch.maxQueueSize, 7);
  });

  test('invalid LOGWEAVE_* env vars throw, naming the variable and what was expected', () => {
    const error = configError({ env: { LOGWEAVE_SPOOL_MAX_BYTES: 'lots' } });
    assert.equal(error.path, 'env:LOGWEAVE_SPOOL_MAX_BYTES');
    assert.match(error.message, /expected an integer/);
    assert.equal(configError({ env: { LOGWEAVE_LEVEL: 'loud' } }).path, 'env:LOGWEAVE_LEVEL');
  });

  test('invalid OTEL_* env vars are ignored with one diagnostic each, as the OTel SDK spec says', async () => {
    const lines: string[] = [];
    const logging = createLogging({
      handleSignals: false,
      exporter: 'none',
      diagnosticWriter: (line) => lines.push(line),
      env: {
        OTEL_BLRP_MAX_QUEUE_SIZE: 'lots',
        OTEL_LOGS_EXPORTER: 'zipkin',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      },
    });
    await logging.shutdown();
    const options = logging.resolvedOptions;
    assert.equal(options.batch.maxQueueSize, DEFAULTS.batch.maxQueueSize);
    assert.equal(options.otlp.protocol, DEFAULTS.otlp.protocol);
    assert.equal(options.otlp.url, DEFAULTS.otlp.url);
    for (const name of [
      'OTEL_BLRP_MAX_QUEUE_SIZE',
      'OTEL_LOGS_EXPORTER',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ]) {
      assert.equal(lines.filter((line) => line.includes(`env:${name}`)).length, 1, `one line for ${name}`);
    }
    assert.equal(resolveOptions({ env: { OTEL_LOGS_EXPORTER: 'zipkin,console' } }).exporter, 'console');
  });

  test('invalid options name the field path, the expectation and what was found', () => {
    const error = configError({ env: {}, batch: { maxQueueSize: -1 } });
    assert.equal(error.path, 'options.batch.maxQueueSize');
    assert.equal(error.received, '-1');
    assert.equal(configError({ env: {}, level: 'loud' as never }).path, 'options.level');
    const unknown = configError({ env: {}, otlp: { uri: 'x' } as never });
    assert.equal(unknown.path, 'options.otlp');
    assert.match(unknown.expected, /unknown keys.*"uri"/);
    assert.equal(configError({ env: {}, exporter: {} as never }).path, 'options.exporter');
  });

  test('the printable resolved options never show a secret', async () => {
    const logging = createLogging({
      handleSignals: false,
      exporter: 'none',
      env: {
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20platform-token',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://user:p4ssw0rd@collector.example:4318/v1/logs?api_key=k3y',
        LOGWEAVE_REDACTION_HASH_KEY: 'a-very-secret-hash-key',
        LOGWEAVE_REDACTION_MODE: 'hash',
      },
      otlp: { headers: { 'x-api-key': 'code-secret' } },
    });
    await logging.shutdown();
    const printed = [
      JSON.stringify(logging.resolvedOptions),
      inspect(logging.resolvedOptions, { depth: Infinity, showHidden: true }),
    ].join('\n');
    for (const secret of ['platform-token', 'p4ssw0rd', 'k3y', 'a-very-secret-hash-key', 'code-secret']) {
      assert.doesNotMatch(printed, new RegExp(secret), `${secret} is printed`);
    }
    // What is not secret stays readable: which headers are set, where records go.
    assert.deepEqual(Object.keys(logging.resolvedOptions.otlp.headers).sort(), [
      'authorization',
      'x-api-key',
    ]);
    assert.match(logging.resolvedOptions.otlp.url, /collector\.example:4318\/v1\/logs/);
    assert.equal('env' in logging.resolvedOptions, false);
  });
});
