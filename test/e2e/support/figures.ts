import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StatsSnapshot } from '../../../src/index.ts';
import type { ReceivedRecord } from '../../helpers/otlp-records.ts';
import { countByKey } from './collector-records.ts';

/** Per service, for the closing note: what was emitted, kept, received, and received twice. */
export interface ServiceFigures {
  emitted: number;
  kept: number;
  /** Distinct records that reached the Collector's file. */
  received: number;
  /** Extra copies (a record received n times counts n - 1). */
  duplicates: number;
  /** logweave only: what its exporter confirmed, what went through the spool, what it dropped. */
  exported?: number;
  spooled?: number;
  dropped?: StatsSnapshot['dropped'];
}

export function keptTotal(stats: StatsSnapshot): number {
  return Object.values(stats.kept).reduce((sum, count) => sum + count, 0);
}

/** Distinct and duplicate counts of `service`'s records. */
export function receivedFigures(
  records: readonly ReceivedRecord[],
  service: string,
): { received: number; duplicates: number } {
  const counts = countByKey(records.filter((record) => record.serviceName === service));
  let duplicates = 0;
  for (const count of counts.values()) duplicates += count - 1;
  return { received: counts.size, duplicates };
}

export function logweaveFigures(
  stats: StatsSnapshot,
  records: readonly ReceivedRecord[],
  service: string,
): ServiceFigures {
  return {
    emitted: stats.emitted,
    kept: keptTotal(stats),
    ...receivedFigures(records, service),
    exported: stats.exported,
    spooled: stats.spooled,
    dropped: stats.dropped,
  };
}

/** Collects every phase's figures and writes them as JSON (test/.tmp is git-ignored). */
export class FiguresReport {
  readonly #phases: Record<string, unknown> = {};

  add(phase: string, figures: unknown): void {
    this.#phases[phase] = figures;
    console.log(`[e2e figures] ${phase}: ${JSON.stringify(figures)}`);
  }

  async write(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(this.#phases, null, 2) + '\n');
  }
}
