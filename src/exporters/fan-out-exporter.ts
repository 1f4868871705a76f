import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Hands every batch to several exporters at once (each counts and reports its own outcomes) and
 * calls back when all have: the batch queue sees one export, as with one exporter. The result is
 * SUCCESS only when every exporter succeeded.
 */
export class FanOutExporter implements LogRecordExporter {
  readonly #exporters: readonly LogRecordExporter[];

  constructor(exporters: readonly LogRecordExporter[]) {
    this.#exporters = exporters;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    let waiting = this.#exporters.length;
    let failure: ExportResult | undefined;
    const done = (result: ExportResult): void => {
      if (result.code !== ExportResultCode.SUCCESS) failure ??= result;
      if (--waiting === 0) resultCallback(failure ?? { code: ExportResultCode.SUCCESS });
    };
    for (const exporter of this.#exporters) {
      let called = false;
      try {
        exporter.export(logs, (result) => {
          if (called) return;
          called = true;
          done(result);
        });
      } catch (error) {
        if (!called) {
          called = true;
          done({ code: ExportResultCode.FAILED, error: error as Error });
        }
      }
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.#exporters.map((exporter) => exporter.forceFlush?.()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.#exporters.map((exporter) => exporter.shutdown()));
  }
}
