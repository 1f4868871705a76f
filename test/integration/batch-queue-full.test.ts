import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';
import { flattenRequest } from '../helpers/otlp-records.ts';

/*
 * The batch processor's queue is private to the SDK; logweave learns of a refused record from the
 * SDK's self-observability counter (`queue_full`) and mirrors what the queue holds so that
 * `process.exit()` can still keep it. With maxExportBatchSize B and maxQueueSize Q, an exporter
 * that never answers takes the first B records, the queue then holds the next Q, and every
 * further record is refused: EMITTED - B - Q exactly.
 */
const EMITTED = 30;
const MAX_QUEUE_SIZE = 10;
const MAX_EXPORT_BATCH_SIZE = 4;
const OVERFLOW = EMITTED - MAX_EXPORT_BATCH_SIZE - MAX_QUEUE_SIZE;
const bodies = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, index) => `record ${from + index}`);

/** An exporter that keeps every callback until `release()`; from then on it answers at once. */
class HeldExporter implements LogRecordExporter {
  readonly received: ReadableLogRecord[] = [];
  readonly #waiting: Array<(result: ExportResult) => void> = [];
  #released = false;
  #onExport: (() => void) | undefined;

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.received.push(...logs);
    if (this.#released) resultCallback({ code: ExportResultCode.SUCCESS });
    else this.#waiting.push(resultCallback);
    this.#onExport?.();
  }

  /** Resolves once an export has been called (now, if one was). */
  firstExport(): Promise<void> {
    if (this.received.length > 0) return Promise.resolve();
    return new Promise((resolve) => (this.#onExport = resolve));
  }

  release(): void {
    this.#released = true;
    for (const callback of this.#waiting.splice(0)) callback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const fixture = fileURLToPath(new URL('../fixtures/queue-full-exit.ts', import.meta.url));
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function runExitFixture(env: Record<string, string>): Promise<{
  code: number | null;
  report: { dropped: Record<string, number>; emitted: number; handed: string[] };
}> {
  const child = spawn(process.execPath, [fixture], {
    env: {
      ...process.env,
      EMITTED: String(EMITTED),
      MAX_QUEUE_SIZE: String(MAX_QUEUE_SIZE),
      MAX_EXPORT_BATCH_SIZE: String(MAX_EXPORT_BATCH_SIZE),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, report: JSON.parse(stdout) as never };
}

describe('a full batch queue', () => {
  test('the overflow is counted as queue_full exactly, at once, and said once on the diagnostic', async () => {
    const exporter = new HeldExporter();
    const pipeline = memoryPipeline({
      exporter,
      batch: {
        maxQueueSize: MAX_QUEUE_SIZE,
        maxExportBatchSize: MAX_EXPORT_BATCH_SIZE,
        scheduledDelayMillis: 600_000,
        exportTimeoutMillis: 600_000,
      },
    });
    const { logging } = pipeline;
    const log = logging.getLogger('queue');
    for (let index = 0; index < EMITTED; index++) log.info(`record ${index}`);
    // The SDK refuses synchronously: the count is right before anything was exported.
    assert.deepEqual(logging.stats().dropped, { queue_full: OVERFLOW });
    await exporter.firstExport();
    assert.deepEqual(
      exporter.received.map((record) => record.body),
      bodies(0, MAX_EXPORT_BATCH_SIZE),
      'the first batch went out and is held',
    );
    exporter.release();
    await logging.shutdown();
    // Everything the queue accepted arrives, once each and in order; nothing it refused does.
    assert.deepEqual(
      exporter.received.map((record) => record.body),
      bodies(0, MAX_EXPORT_BATCH_SIZE + MAX_QUEUE_SIZE),
    );
    const stats = logging.stats();
    assert.deepEqual(stats.dropped, { queue_full: OVERFLOW }, 'no other drop');
    assert.equal(stats.emitted, EMITTED);
    assert.equal(stats.exported, MAX_EXPORT_BATCH_SIZE + MAX_QUEUE_SIZE);
    const said = pipeline.diagnostics.filter((line) => line.includes('[queue_full]'));
    assert.equal(said.length, 1, 'one line, however many records (rate-limited)');
    assert.match(
      said[0] ?? '',
      /the batch queue is full \(maxQueueSize 10\); 1 records dropped now, 1 so far/,
    );
  });

  test('process.exit() with the queue full: exactly the queued records are counted as lost at exit', async () => {
    // The exporter holds the first batch and never answers; at exit the mirror holds the Q queued
    // records (not the B handed to the exporter: no phantom; not the refused ones: no missing), and
    // the B still unanswered are counted once too: every record is accounted for exactly once.
    const { code, report } = await runExitFixture({ MODE: 'held' });
    assert.equal(code, 0);
    assert.deepEqual(report.handed, bodies(0, MAX_EXPORT_BATCH_SIZE));
    assert.deepEqual(report.dropped, {
      queue_full: OVERFLOW,
      shutdown_timeout: MAX_QUEUE_SIZE + MAX_EXPORT_BATCH_SIZE,
    });
    assert.equal(report.emitted, EMITTED);
  });

  test('process.exit() with the queue full and a file sink: the queued records are written, each once, in order', async () => {
    // Exit in the same tick as the records: the first batch has left the SDK's queue but has not
    // reached the exporter yet, so the mirror holds it too; the file sink writes synchronously.
    const dir = mkdtempSync(join(tmpdir(), 'logweave-queue-full-'));
    dirs.push(dir);
    const path = join(dir, 'logs.jsonl');
    const { code, report } = await runExitFixture({ MODE: 'file', FILE_PATH: path });
    assert.equal(code, 0);
    assert.deepEqual(report.dropped, { queue_full: OVERFLOW });
    const written = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .flatMap((line) => flattenRequest(JSON.parse(line)))
      .map((record) => record.body);
    assert.deepEqual(written, bodies(0, MAX_EXPORT_BATCH_SIZE + MAX_QUEUE_SIZE));
  });
});
