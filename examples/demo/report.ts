/** What the demo prints at the end: the policy's counts, and one failed request read back from the file. */
import { createReadStream } from 'node:fs';
import { escapeForTerminal } from '../../src/core/terminal-escape.ts';
import { RELEASE_RULES, SAMPLING_ATTRIBUTES, type StatsSnapshot } from '../../src/index.ts';
import { flattenOtlpRequest } from '../../src/cli/flatten-otlp-request.ts';
import { readLines } from '../../src/cli/read-lines.ts';
import { severityOfRecord } from '../../src/cli/record-severity.ts';
import type { ViewRecord } from '../../src/cli/view-record.ts';
import { effectiveRules } from '../../src/cli/effective-rules.ts';
import { loadConfigFile } from '../../src/config/config-file.ts';
import type { CheckoutResult } from './traffic.ts';
import { CONFIG_PATH, SERVICE_NAMES, type ServiceName } from './demo-protocol.ts';

/** A table of kept counts by rule and dropped counts by reason, one column per service. */
export function statsTable(stats: Record<ServiceName, StatsSnapshot>): string[] {
  const rows: Array<[string, (snapshot: StatsSnapshot) => number]> = [
    ['records logged (past the level)', (snapshot) => snapshot.emitted],
  ];
  const keptRules = new Set(SERVICE_NAMES.flatMap((name) => Object.keys(stats[name].kept)));
  for (const rule of [...keptRules].sort())
    rows.push([`kept    by rule ${rule}`, (snapshot) => snapshot.kept[rule] ?? 0]);
  const reasons = new Set(SERVICE_NAMES.flatMap((name) => Object.keys(stats[name].dropped)));
  for (const reason of [...reasons].sort()) {
    rows.push([
      `dropped as ${reason}`,
      (snapshot) => snapshot.dropped[reason as keyof StatsSnapshot['dropped']] ?? 0,
    ]);
  }
  rows.push(['delivered to the sink', (snapshot) => snapshot.exported]);

  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const header = ['', ...SERVICE_NAMES, 'total'];
  const lines = [
    `  ${''.padEnd(labelWidth)}  ${header
      .slice(1)
      .map((name) => name.padStart(9))
      .join('')}`,
  ];
  for (const [label, read] of rows) {
    const values = SERVICE_NAMES.map((name) => read(stats[name]));
    const total = values.reduce((sum, value) => sum + value, 0);
    lines.push(
      `  ${label.padEnd(labelWidth)}  ${[...values, total].map((value) => String(value).padStart(9)).join('')}`,
    );
  }
  return lines;
}

/** Every record in the file sink's output, grouped by trace id. */
export async function readTraces(path: string): Promise<Map<string, ViewRecord[]>> {
  const traces = new Map<string, ViewRecord[]>();
  for await (const line of readLines(createReadStream(path), 64 * 1024 * 1024)) {
    if (line.text.trim() === '') continue;
    for (const record of flattenOtlpRequest(JSON.parse(line.text), `${path}:${line.number}`).records) {
      const group = traces.get(record.traceId) ?? [];
      group.push(record);
      traces.set(record.traceId, group);
    }
  }
  for (const records of traces.values()) records.sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : 1));
  return traces;
}

const config = loadConfigFile(CONFIG_PATH);

/**
 * Why a record is in the file: the rule the sampling stage wrote on it (probability rules and
 * the error buffer do), else the rule that keeps every record of its module and severity
 * (`error`, `warn_allowlist`…), resolved by the sampling policy as `logweave check-config` does.
 */
export function keptBy(record: ViewRecord): string {
  const rule = record.attributes[SAMPLING_ATTRIBUTES.rule];
  if (typeof rule === 'string') return rule;
  const severity = severityOfRecord(record);
  return effectiveRules(config, record.module).find((entry) => entry.severity === severity)?.rule ?? '-';
}

const RELEASE_RULE_NAMES: ReadonlySet<string> = new Set(Object.values(RELEASE_RULES));

/** Whether sampling had dropped the record and it was kept because its request or trace failed. */
export function keptAfterFailure(record: ViewRecord): boolean {
  return RELEASE_RULE_NAMES.has(keptBy(record));
}

/** Whether every INFO line of a trace is there because its request failed (none by a probability rule). */
export function onlyBufferKeptInfo(records: readonly ViewRecord[]): boolean {
  const info = records.filter((record) => severityOfRecord(record) === 'info');
  return info.length > 0 && info.every(keptAfterFailure);
}

/** The INFO lines a busy-issuer checkout writes in each service (payments twice: two charges). */
const GRACEFUL_STORY: ReadonlyArray<[ServiceName, string, number]> = [
  ['gateway', 'checkout started', 1],
  ['gateway', 'checkout completed', 1],
  ['orders', 'order received', 1],
  ['orders', 'stock reserved', 1],
  ['orders', 'payments busy, retrying the charge once', 1],
  ['orders', 'order confirmed', 1],
  ['payments', 'charge requested', 2],
  ['payments', 'risk scored', 2],
  ['payments', 'authorizing with issuer', 1],
  ['payments', 'charge captured', 1],
];

/** Whether a busy-issuer checkout's trace holds every INFO line its three services wrote. */
export function storyComplete(records: readonly ViewRecord[]): boolean {
  return GRACEFUL_STORY.every(
    ([service, body, count]) =>
      records.filter((record) => record.service === service && record.body === body).length >= count,
  );
}

/** The timeline of one trace: offset, service, module, severity, message, and why each line was kept. */
export function timelineLines(records: readonly ViewRecord[]): string[] {
  const start = records[0]?.timeUnixNano ?? 0n;
  const width = (pick: (record: ViewRecord) => string): number =>
    Math.max(...records.map((record) => pick(record).length));
  const serviceWidth = width((record) => record.service);
  const moduleWidth = width((record) => record.module);
  const messageWidth = Math.min(
    48,
    width((record) => String(record.body)),
  );
  return records.map((record) =>
    escapeForTerminal(
      [
        `+${(Number(record.timeUnixNano - start) / 1e6).toFixed(1)}ms`.padStart(10),
        record.service.padEnd(serviceWidth),
        record.module.padEnd(moduleWidth),
        severityOfRecord(record).toUpperCase().padEnd(5),
        String(record.body).padEnd(messageWidth),
        `kept by: ${keptBy(record)}`,
      ].join('  '),
    ),
  );
}

/** INFO lines in the file, split by whether their request failed. */
export function infoSummary(
  traces: Map<string, ViewRecord[]>,
  results: readonly CheckoutResult[],
): {
  failedInfo: number;
  failedInfoFromBuffer: number;
  /** Failed requests whose trace holds INFO lines from every one of the three services. */
  failedWithInfoEverywhere: number;
  succeededWithInfo: Record<ServiceName, Set<string>>;
  succeededInfo: number;
} {
  const failedTraces = new Set(
    results.filter((result) => result.status >= 500).map((result) => result.traceId),
  );
  // Checkouts that succeeded after a failure was handled (busy issuer) are neither.
  const handledTraces = new Set(
    results.filter((result) => result.card === 'tok_issuer_busy').map((result) => result.traceId),
  );
  const succeededWithInfo = {
    gateway: new Set<string>(),
    orders: new Set<string>(),
    payments: new Set<string>(),
  };
  let failedInfo = 0;
  let failedInfoFromBuffer = 0;
  const failedInfoServices = new Map<string, Set<string>>();
  let succeededInfo = 0;
  for (const [traceId, records] of traces) {
    for (const record of records) {
      if (severityOfRecord(record) !== 'info') continue;
      if (failedTraces.has(traceId)) {
        failedInfo += 1;
        if (keptAfterFailure(record)) failedInfoFromBuffer += 1;
        const services = failedInfoServices.get(traceId) ?? new Set<string>();
        services.add(record.service);
        failedInfoServices.set(traceId, services);
      } else if (traceId !== '' && !handledTraces.has(traceId)) {
        succeededInfo += 1;
        if ((SERVICE_NAMES as readonly string[]).includes(record.service)) {
          succeededWithInfo[record.service as ServiceName].add(traceId);
        }
      }
    }
  }
  const failedWithInfoEverywhere = [...failedInfoServices.values()].filter((services) =>
    SERVICE_NAMES.every((name) => services.has(name)),
  ).length;
  return { failedInfo, failedInfoFromBuffer, failedWithInfoEverywhere, succeededWithInfo, succeededInfo };
}
