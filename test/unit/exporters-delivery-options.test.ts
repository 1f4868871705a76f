import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createLogging, DEFAULTS, LogweaveConfigError, type LoggingOptions } from '../../src/index.ts';

function configError(options: LoggingOptions): LogweaveConfigError {
  try {
    void createLogging({ handleSignals: false, env: {}, ...options }).shutdown();
  } catch (error) {
    assert.ok(error instanceof LogweaveConfigError, `expected LogweaveConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('createLogging accepted an invalid delivery configuration');
}

describe('delivery options', () => {
  test('defaults are documented values', () => {
    const logging = createLogging({ handleSignals: false, exporter: 'none', env: {} });
    void logging.shutdown();
    const delivery = logging.resolvedOptions.delivery;
    assert.equal(delivery.spoolDir, undefined, 'no spool unless asked for');
    assert.equal(delivery.spoolMaxBytes, 104_857_600);
    assert.equal(delivery.spoolMaxBytes, DEFAULTS.delivery.spoolMaxBytes);
    assert.equal(delivery.replayInitialBackoffMillis, 1000);
    assert.equal(delivery.replayMaxBackoffMillis, 5000);
    assert.equal(delivery.exportDeadlineMillis, 500);
    assert.equal(delivery.durableSeverity, 'off');
    assert.equal(delivery.durableFsync, false);
    assert.equal(delivery.handleUncaughtErrors, true);
  });

  test('env vars are read, options win over them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-options-'));
    try {
      const env = {
        LOGWEAVE_SPOOL_DIR: dir,
        LOGWEAVE_SPOOL_MAX_BYTES: '1048576',
        LOGWEAVE_SPOOL_REPLAY_BACKOFF: '200',
        LOGWEAVE_SPOOL_REPLAY_MAX_BACKOFF: '4000',
        LOGWEAVE_EXPORT_DEADLINE: '750',
        LOGWEAVE_DURABLE_SEVERITY: 'ERROR',
        LOGWEAVE_DURABLE_FSYNC: 'true',
        LOGWEAVE_HANDLE_UNCAUGHT: 'false',
      };
      const fromEnv = createLogging({ handleSignals: false, exporter: 'none', env });
      void fromEnv.shutdown();
      assert.deepEqual(fromEnv.resolvedOptions.delivery, {
        spoolDir: dir,
        spoolMaxBytes: 1_048_576,
        replayInitialBackoffMillis: 200,
        replayMaxBackoffMillis: 4000,
        exportDeadlineMillis: 750,
        durableSeverity: 'error',
        durableFsync: true,
        handleUncaughtErrors: false,
      });
      const fromCode = createLogging({
        handleSignals: false,
        exporter: 'none',
        env,
        delivery: { spoolMaxBytes: 65_536 },
      });
      void fromCode.shutdown();
      assert.equal(fromCode.resolvedOptions.delivery.spoolMaxBytes, 65_536);
      assert.equal(fromCode.resolvedOptions.delivery.spoolDir, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad values name the field and what was expected', () => {
    assert.match(configError({ delivery: { spoolMaxBytes: 10 } }).message, /delivery\.spoolMaxBytes/);
    assert.match(
      configError({ delivery: { replayInitialBackoffMillis: 5000, replayMaxBackoffMillis: 1000 } }).message,
      /delivery\.replayInitialBackoffMillis.*at most delivery\.replayMaxBackoffMillis \(1000\)/,
    );
    assert.match(
      configError({ env: { LOGWEAVE_SPOOL_MAX_BYTES: 'lots' } }).message,
      /LOGWEAVE_SPOOL_MAX_BYTES/,
    );
    assert.match(
      configError({ delivery: { unknownKnob: 1 } as unknown as LoggingOptions['delivery'] }).message,
      /unknownKnob/,
    );
    assert.match(
      configError({ delivery: { exportDeadlineMillis: 0 } }).message,
      /delivery\.exportDeadlineMillis/,
    );
    assert.match(
      configError({ env: { LOGWEAVE_EXPORT_DEADLINE: '700000' } }).message,
      /LOGWEAVE_EXPORT_DEADLINE.*an integer from 1 to 600000/,
    );
    assert.match(
      configError({ env: { LOGWEAVE_DURABLE_SEVERITY: 'loud' } }).message,
      /LOGWEAVE_DURABLE_SEVERITY.*one of "trace", "debug", "info", "warn", "error", "fatal", "off"/,
    );
    assert.match(
      configError({ delivery: { durableSeverity: 'error' } }).message,
      /delivery\.durableSeverity.*unless delivery\.spoolDir/,
    );
  });

  test('a spool directory that cannot be created is a configuration error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-options-'));
    try {
      const file = join(dir, 'not-a-directory');
      writeFileSync(file, 'x');
      const error = configError({ delivery: { spoolDir: join(file, 'spool') } });
      assert.match(error.message, /delivery\.spoolDir/);
      assert.match(error.message, /a directory logweave can create and write/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
