import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenRequest, type ReceivedRecord } from '../../helpers/otlp-records.ts';

export interface CollectorOutput {
  records: ReceivedRecord[];
  /** Lines that were not whole JSON (a write cut short by SIGKILL ends the file that way). */
  unreadableLines: number;
}

/**
 * Reads every file the Collector's file exporter wrote into `dir`: one OTLP/JSON
 * `ExportLogsServiceRequest` per line (ids in lowercase hex, int64 as decimal strings).
 */
export async function readCollectorOutput(dir: string): Promise<CollectorOutput> {
  const records: ReceivedRecord[] = [];
  let unreadableLines = 0;
  const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(...flattenRequest(JSON.parse(line)));
      } catch {
        unreadableLines++;
      }
    }
  }
  return { records, unreadableLines };
}

/**
 * `service|request.id|scope|body`: the suite's services write each message at most once per
 * request, so one key is one emitted record and a key seen twice is a duplicate delivery.
 */
export function recordKey(record: ReceivedRecord): string {
  const requestId = String(record.attributes['request.id']);
  return `${record.serviceName ?? '?'}|${requestId}|${record.scope}|${JSON.stringify(record.body)}`;
}

/** Counts per key, to find duplicates. */
export function countByKey(records: readonly ReceivedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(recordKey(record), (counts.get(recordKey(record)) ?? 0) + 1);
  return counts;
}

/** Polls the output until `done(output)` holds, or returns the last output after `timeoutMillis`. */
export async function waitForOutput(
  dir: string,
  done: (output: CollectorOutput) => boolean,
  timeoutMillis: number,
): Promise<{ output: CollectorOutput; satisfied: boolean; millis: number }> {
  const started = Date.now();
  for (;;) {
    const output = await readCollectorOutput(dir);
    if (done(output)) return { output, satisfied: true, millis: Date.now() - started };
    if (Date.now() - started > timeoutMillis)
      return { output, satisfied: false, millis: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
