import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENV_TABLE } from '../../src/config/env-table.ts';
import { readEnvironment } from '../../src/config/read-environment.ts';
import { LogweaveConfigError } from '../../src/core/config-error.ts';

function rejected(env: Record<string, string>): LogweaveConfigError {
  try {
    readEnvironment(env);
  } catch (error) {
    assert.ok(error instanceof LogweaveConfigError, String(error));
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('readEnvironment', () => {
  test('an empty environment says nothing', () => {
    assert.deepEqual(readEnvironment({}), {
      options: {},
      configPath: undefined,
      configWatch: undefined,
      inherited: undefined,
      sdkDisabled: false,
      warnings: [],
    });
  });

  test('variables become options at their table paths, typed', () => {
    const { options } = readEnvironment({
      OTEL_SERVICE_NAME: 'checkout',
      LOGWEAVE_LEVEL: 'WARN',
      OTEL_BLRP_MAX_QUEUE_SIZE: '4096',
      LOGWEAVE_REDACTION_EMAILS: 'true',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=payments',
    });
    assert.deepEqual(options, {
      serviceName: 'checkout',
      level: 'warn',
      batch: { maxQueueSize: 4096 },
      redaction: { redactEmails: true },
      resourceAttributes: { 'deployment.environment': 'prod', team: 'payments' },
    });
  });

  test('two variables for one option: the first in the table wins (signal-specific before general)', () => {
    const both = readEnvironment({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs-only:4318/custom',
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '2000',
      OTEL_ATTRIBUTE_COUNT_LIMIT: '10',
      OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: '20',
    });
    assert.equal(both.options.otlp?.url, 'http://logs-only:4318/custom', 'the signal URL is used as given');
    assert.equal(both.options.otlp?.timeoutMillis, 2000);
    assert.equal(both.options.limits?.attributeCountLimit, 20);
    const general = readEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318' });
    assert.equal(general.options.otlp?.url, 'http://general:4318/v1/logs', 'a base URL gets the signal path');
  });

  test('a blank signal-specific variable is unset: the general one applies', () => {
    const { options } = readEnvironment({
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: '  ',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
    });
    assert.equal(options.otlp?.url, 'http://general:4318/v1/logs');
  });

  test('header lists merge key by key, the signal-specific list winning', () => {
    const { options } = readEnvironment({
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'b=3,c=4',
    });
    assert.deepEqual(options.otlp?.headers, { a: '1', b: '3', c: '4' });
  });

  test('settings outside the options: the config file, its watch flag, the inherited context', () => {
    const settings = readEnvironment({
      LOGWEAVE_CONFIG: '/etc/logweave.yaml',
      LOGWEAVE_CONFIG_WATCH: 'false',
      TRACEPARENT: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      TRACESTATE: 'vendor=1',
      BAGGAGE: 'k=v',
      LOGWEAVE_REQUEST_ID: 'req-1',
    });
    assert.deepEqual(settings.options, {}, 'none of them is an option');
    assert.equal(settings.configPath, '/etc/logweave.yaml');
    assert.equal(settings.configWatch, false);
    assert.deepEqual(settings.inherited, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
      baggage: 'k=v',
      requestId: 'req-1',
    });
  });

  test('an inherited context needs its traceparent: the rest alone is ignored', () => {
    assert.equal(
      readEnvironment({ TRACESTATE: 'vendor=1', LOGWEAVE_REQUEST_ID: 'req-1' }).inherited,
      undefined,
    );
  });

  test("logweave's own variables outside the schema's bounds are errors at env:NAME, never a silent default", () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ LOGWEAVE_LEVEL: 'verbose' }, 'env:LOGWEAVE_LEVEL', /one of "trace"/],
      [{ LOGWEAVE_SPOOL_MAX_BYTES: '12' }, 'env:LOGWEAVE_SPOOL_MAX_BYTES', /at least 65536/],
      [{ LOGWEAVE_SHUTDOWN_TIMEOUT: '1.5' }, 'env:LOGWEAVE_SHUTDOWN_TIMEOUT', /decimal digits/],
    ];
    for (const [env, path, expected] of cases) {
      const error = rejected(env);
      assert.equal(error.path, path);
      assert.match(error.expected, expected);
    }
  });

  test('an OTel variable logweave cannot use is ignored with a warning naming it, as the OTel SDK does', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ OTEL_BLRP_MAX_QUEUE_SIZE: '0' }, /env:OTEL_BLRP_MAX_QUEUE_SIZE/],
      [{ OTEL_LOGS_EXPORTER: 'kafka' }, /env:OTEL_LOGS_EXPORTER/],
      [{ OTEL_EXPORTER_OTLP_TIMEOUT: '1.5' }, /env:OTEL_EXPORTER_OTLP_TIMEOUT/],
    ];
    for (const [env, named] of cases) {
      const { options, warnings } = readEnvironment(env);
      assert.equal(warnings.length, 1, JSON.stringify(env));
      assert.match(warnings[0] ?? '', named);
      assert.match(warnings[0] ?? '', /ignored/);
      assert.equal(JSON.stringify(options).includes('kafka'), false);
    }
  });

  test('a rejected secret is never shown: the redaction hash key, the OTLP headers', () => {
    const shortKey = rejected({ LOGWEAVE_REDACTION_HASH_KEY: 'tooshort' });
    assert.equal(shortKey.path, 'env:LOGWEAVE_REDACTION_HASH_KEY');
    assert.equal(shortKey.received, '"(hidden)"');
    assert.doesNotMatch(shortKey.message, /tooshort/);
    const { warnings } = readEnvironment({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,%zz' });
    assert.equal(warnings.length, 1);
    assert.doesNotMatch(warnings[0] ?? '', /Bearer|abc/);
  });

  test('every variable of the table is read: each one set alone changes the result', () => {
    const sample: Record<string, string> = {
      string: 'value',
      name: 'info',
      raw: 'a-secret-key-of-thirty-two-chars+',
      integer: '1024',
      boolean: 'true',
      keyValueList: 'k=v',
      url: 'http://collector:4318/v1/logs',
      baseUrl: 'http://collector:4318',
    };
    const valid: Record<string, string> = {
      OTEL_LOGS_EXPORTER: 'console',
      OTEL_NODE_RESOURCE_DETECTORS: 'host,process',
      LOGWEAVE_REDACTION_MODE: 'hash',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_BLRP_SCHEDULE_DELAY: '0',
      LOGWEAVE_REQUEST_ID_HEADER: 'x-correlation-id',
      LOGWEAVE_FILE_MAX_FILES: '10',
      LOGWEAVE_SPOOL_MAX_BYTES: '1048576',
      TRACEPARENT: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    const empty = JSON.stringify(readEnvironment({}));
    for (const { name, kind } of ENV_TABLE) {
      const value = valid[name] ?? (sample[kind] as string);
      // TRACESTATE and friends only count with a traceparent: they are checked above.
      if (['TRACESTATE', 'BAGGAGE', 'LOGWEAVE_REQUEST_ID'].includes(name)) continue;
      assert.notEqual(JSON.stringify(readEnvironment({ [name]: value })), empty, name);
    }
  });
});
