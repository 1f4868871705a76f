import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DiagnosticReporter, LoggingStats } from '../../src/index.ts';
import { ReportingExporter } from '../../src/exporters/reporting-exporter.ts';

const RECORDS = [{}, {}, {}] as unknown as ReadableLogRecord[];

function reporting(inner: Partial<LogRecordExporter>) {
  const stats = new LoggingStats();
  const lines: string[] = [];
  const exporter = new ReportingExporter({
    inner: {
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
      export: () => undefined,
      ...inner,
    },
    stats,
    diagnostics: new DiagnosticReporter({ intervalMillis: 0, write: (line) => lines.push(line) }),
    destination: 'the test sink',
  });
  const exportOnce = (): ExportResult[] => {
    const results: ExportResult[] = [];
    exporter.export(RECORDS, (result) => results.push(result));
    return results;
  };
  return { exporter, stats, lines, exportOnce };
}

describe('ReportingExporter: every batch is counted once, whatever the inner exporter does', () => {
  test('success counts the records as exported', () => {
    const { stats, exportOnce } = reporting({
      export: (_logs, done) => done({ code: ExportResultCode.SUCCESS }),
    });
    assert.deepEqual(exportOnce(), [{ code: ExportResultCode.SUCCESS }]);
    assert.equal(stats.snapshot().exported, 3);
  });

  test('a failure counts them as export_failed and says where they were going', () => {
    const { stats, lines, exportOnce } = reporting({
      export: (_logs, done) => done({ code: ExportResultCode.FAILED, error: new Error('disk full') }),
    });
    assert.equal(exportOnce()[0]?.code, ExportResultCode.FAILED);
    assert.equal(stats.snapshot().dropped.export_failed, 3);
    assert.match(lines[0] ?? '', /could not deliver 3 log records to the test sink: disk full/);
  });

  test('an inner exporter that throws: counted, called back with FAILED, never thrown to the SDK', () => {
    const { stats, exportOnce } = reporting({
      export: () => {
        throw new Error('bug in the sink');
      },
    });
    const results = exportOnce();
    assert.equal(results.length, 1);
    assert.equal(results[0]?.code, ExportResultCode.FAILED);
    assert.equal(results[0]?.error?.message, 'bug in the sink');
    assert.equal(stats.snapshot().dropped.export_failed, 3);
  });

  test('an inner exporter that throws after calling back: the batch stays counted once', () => {
    const { stats, exportOnce } = reporting({
      export: (_logs, done) => {
        done({ code: ExportResultCode.SUCCESS });
        throw new Error('late');
      },
    });
    assert.equal(exportOnce().length, 1);
    assert.equal(stats.snapshot().exported, 3);
    assert.equal(stats.snapshot().dropped.export_failed, undefined);
  });

  test('a callback called twice counts once; something thrown that is not an Error is described', () => {
    const twice = reporting({
      export: (_logs, done) => {
        done({ code: ExportResultCode.SUCCESS });
        done({ code: ExportResultCode.SUCCESS });
      },
    });
    assert.equal(twice.exportOnce().length, 1);
    assert.equal(twice.stats.snapshot().exported, 3);
    const odd = reporting({
      export: () => {
        throw 'a string';
      },
    });
    odd.exportOnce();
    assert.match(odd.lines[0] ?? '', /a string/);
  });

  test('forceFlush and shutdown are the inner exporter’s', async () => {
    const calls: string[] = [];
    const { exporter } = reporting({
      forceFlush: async () => void calls.push('flush'),
      shutdown: async () => void calls.push('shutdown'),
    });
    await exporter.forceFlush();
    await exporter.shutdown();
    assert.deepEqual(calls, ['flush', 'shutdown']);
  });
});
