import type { DropReason } from '../core/stats.ts';

/**
 * Where an exporter that settles records itself (the durable OTLP exporter) reports each
 * outcome; `ReportingExporter` implements it, so counting and the stderr lines stay in one place.
 */
export interface DeliveryListener {
  delivered(count: number): void;
  /** Written to the spool after `reason`; not lost, delivered later. */
  spooled(count: number, reason: string): void;
  /** Left the spool (delivered from it, or given up there: also reported as `delivered` / `dropped`). */
  unspooled(count: number): void;
  dropped(reason: DropReason, count: number, detail: string): void;
}

/** Marks an exporter whose `export()` results were already reported through a DeliveryListener. */
export interface SelfReportingExporter {
  readonly reportsOwnOutcomes: true;
}
