/**
 * `npm run demo`: three services on 127.0.0.1 — an Express gateway, a Fastify orders service
 * and an Express payments service, each its own process with its own logweave pipeline and the
 * sampling policy of examples/logweave.yaml — a bounded burst of checkouts in which some fail
 * deep in payments, then what the policy kept and dropped, and one failed request's timeline
 * across the three services, read back from the file sink.
 *
 * Logs go to the file sink (examples/demo/output/logs.jsonl, or LOGWEAVE_FILE_PATH), or over
 * OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. DEMO_REQUESTS changes the number of checkouts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatsSnapshot } from '../../src/index.ts';
import { renderHtmlPage } from '../../src/cli/html-page.ts';
import { pageTraces } from '../../src/cli/html-page-data.ts';
import { CONFIG_PATH, SERVICE_NAMES, type Peers, type ServiceName } from './demo-protocol.ts';
import { ServiceProcesses } from './service-processes.ts';
import {
  infoSummary,
  onlyBufferKeptInfo,
  readTraces,
  statsTable,
  storyComplete,
  timelineLines,
} from './report.ts';
import { progressPrinter, sendCheckouts } from './traffic.ts';

const FRAMEWORK: Record<ServiceName, string> = { gateway: 'Express', orders: 'Fastify', payments: 'Express' };
const FAIL_EVERY = 12;

const otlpEndpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
const filePath = resolve(
  process.env['LOGWEAVE_FILE_PATH'] ?? fileURLToPath(new URL('./output/logs.jsonl', import.meta.url)),
);
const print = (line = ''): void => void process.stdout.write(`${line}\n`);
// A secret shared by the three services for this run only: with it, a service whose request
// failed tells the services it called to keep their part of the story (release calls).
const services = new ServiceProcesses({
  LOGWEAVE_FILE_PATH: filePath,
  LOGWEAVE_SIGNAL_SECRET: randomBytes(24).toString('base64url'),
});

function readRequestCount(raw: string | undefined): number {
  if (raw === undefined) return 240;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < FAIL_EVERY || count > 100_000) {
    throw new Error(
      `DEMO_REQUESTS must be an integer from ${FAIL_EVERY} to 100000, received ${JSON.stringify(raw)}`,
    );
  }
  return count;
}

async function main(): Promise<void> {
  const total = readRequestCount(process.env['DEMO_REQUESTS']);
  const output =
    otlpEndpoint === undefined
      ? `the file sink: ${relative(process.cwd(), filePath)}`
      : `OTLP: ${otlpEndpoint}`;
  if (otlpEndpoint === undefined) {
    // A fresh file, so the report below reads this run only.
    mkdirSync(dirname(filePath), { recursive: true });
    rmSync(filePath, { force: true });
  }
  print('logweave demo: three services on 127.0.0.1, each with its own pipeline');
  print(`  sampling policy  ${relative(process.cwd(), CONFIG_PATH)}`);
  print(`  logs go to      ${output}`);

  const entries = await Promise.all(
    SERVICE_NAMES.map(async (name) => [name, await services.start(name)] as const),
  );
  const urls = Object.fromEntries(entries) as Record<ServiceName, string>;
  const peers: Peers = { orders: urls.orders, payments: urls.payments };
  services.sendPeers(peers);
  for (const name of SERVICE_NAMES) print(`  ${name.padEnd(8)} (${FRAMEWORK[name]})  ${urls[name]}`);

  print('');
  print(
    `sending ${total} checkouts, 8 at a time; every ${FAIL_EVERY}th pays with a card whose issuer is down, ` +
      `and as many find it busy once (orders retries, the checkout succeeds)`,
  );
  const started = Date.now();
  const results = await sendCheckouts({
    gatewayUrl: urls.gateway,
    total,
    concurrency: 8,
    failEvery: FAIL_EVERY,
    busyEvery: FAIL_EVERY,
    onProgress: progressPrinter(total, (text) => process.stdout.write(text), process.stdout.isTTY === true),
  });
  const failed = results.filter((result) => result.status >= 500);
  const unexpected = results.filter((result) => result.status !== 201 && result.status !== 502);
  print(
    `  ${results.length} checkouts in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${results.length - failed.length} succeeded, ${failed.length} failed in payments`,
  );
  if (unexpected.length > 0)
    throw new Error(`unexpected answers: ${unexpected.map((result) => result.status).join(', ')}`);

  const stats = Object.fromEntries(
    await Promise.all(SERVICE_NAMES.map(async (name) => [name, await services.stop(name)] as const)),
  ) as Record<ServiceName, StatsSnapshot>;
  print('');
  print('what the sampling policy kept and dropped (logging.stats() of each service):');
  for (const line of statsTable(stats)) print(line);

  const example = failed[0];
  print('');
  if (otlpEndpoint !== undefined) {
    print(`the records went to ${otlpEndpoint}; one failed request to look up there:`);
    print(`  request id ${example?.requestId}, trace id ${example?.traceId}`);
    print('  with a Collector file exporter: npm run logweave -- view <its file> --trace <trace id>');
    return;
  }
  const traces = await readTraces(filePath);
  // The clearest case: a failed request whose INFO lines no probability rule kept, in any service
  // (three in four are; about one in four has its trace within payments' 25 %).
  const shown =
    failed.find((result) => onlyBufferKeptInfo(traces.get(result.traceId ?? '') ?? [])) ?? example;
  const records = shown?.traceId === undefined ? [] : (traces.get(shown.traceId) ?? []);
  const traceServices = [...new Set(records.map((record) => record.service))];
  print(
    `one failed request, read back from the file: ${shown?.requestId}, trace ${shown?.traceId} ` +
      `(${records.length} records from ${traceServices.length} services: ${traceServices.join(', ')})`,
  );
  for (const line of timelineLines(records)) print(line);

  // The failure nobody saw: payments answered 503 once, orders retried, the checkout succeeded.
  // Every service kept its whole story anyway (upstream_failure, late_release).
  const graceful = results.find((result) => result.card === 'tok_issuer_busy' && result.status === 201);
  const gracefulRecords = graceful?.traceId === undefined ? [] : (traces.get(graceful.traceId) ?? []);
  const gracefulServices = [...new Set(gracefulRecords.map((record) => record.service))];
  print('');
  print(
    `one failure handled gracefully (answered 201): ${graceful?.requestId}, trace ${graceful?.traceId} ` +
      `(${gracefulRecords.length} records from ${gracefulServices.length} services: ${gracefulServices.join(', ')})`,
  );
  for (const line of timelineLines(gracefulRecords)) print(line);

  const summary = infoSummary(traces, results);
  const overflow = SERVICE_NAMES.reduce((sum, name) => sum + (stats[name].dropped.buffer_overflow ?? 0), 0);
  const succeeded = results.filter(
    (result) => result.status < 500 && result.card !== 'tok_issuer_busy',
  ).length;
  const keptGateway = summary.succeededWithInfo.gateway;
  const keptOrders = summary.succeededWithInfo.orders;
  const keptPayments = summary.succeededWithInfo.payments;
  const sameDecision =
    keptGateway.size === keptOrders.size && [...keptGateway].every((id) => keptOrders.has(id));
  const subset = [...keptGateway].every((id) => keptPayments.has(id));
  print('');
  print('INFO lines:');
  print(
    `  failed requests     ${summary.failedWithInfoEverywhere} of ${failed.length} have INFO lines from all three services ` +
      `in the file: ${summary.failedInfo} lines, ${summary.failedInfoFromBuffer} of them kept by the error buffer ` +
      `after sampling had dropped them (error buffer overflow: ${overflow} records lost)`,
  );
  print(
    `  successful requests INFO kept for ${keptGateway.size} of ${succeeded} in gateway and orders (info: 0.1), ` +
      `${keptPayments.size} in payments (info: 0.25); ${summary.succeededInfo} lines in all, the rest sampled out`,
  );
  print(
    `  consistency         gateway and orders kept ${sameDecision ? 'the same' : 'DIFFERENT'} requests; ` +
      `payments kept ${subset ? 'all of those and more' : 'NOT all of those'} (decided from the trace id, in every service)`,
  );
  const gracefulComplete = results
    .filter((result) => result.card === 'tok_issuer_busy')
    .every((result) => storyComplete(traces.get(result.traceId ?? '') ?? []));
  print(
    `  handled failures    ${gracefulComplete ? 'every one' : 'NOT every one'} of the busy-issuer checkouts has its whole ` +
      'story in all three services (each INFO line kept as upstream_failure or late_release where sampling dropped it)',
  );
  if (!sameDecision || !subset || !gracefulComplete || summary.failedWithInfoEverywhere !== failed.length) {
    // The demo doubles as a check: a broken promise is a bug worth a non-zero status.
    console.error('demo failed: the output above breaks one of the promises it demonstrates');
    process.exitCode = 1;
  }
  // The same two timelines as a page to open in a browser (self-contained, works offline).
  const htmlPath = resolve(dirname(filePath), 'timeline.html');
  const pageGroups = [shown, graceful]
    .map((result) => result?.traceId)
    .filter((traceId): traceId is string => traceId !== undefined)
    .map((traceId) => ({ traceId, records: traces.get(traceId) ?? [] }));
  writeFileSync(
    htmlPath,
    renderHtmlPage(pageTraces(pageGroups), 'logweave demo: a failed checkout and a handled one'),
  );
  print('');
  print(
    `the two timelines as a page: ${relative(process.cwd(), htmlPath)} (or npm run logweave -- view FILE --html > page.html)`,
  );
  print('');
  print('explore the file:');
  print(`  npm run logweave -- view ${relative(process.cwd(), filePath)} --trace ${shown?.traceId}`);
  print(`  npm run logweave -- view ${relative(process.cwd(), filePath)} --severity warn --service payments`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  services.killAll();
  process.exitCode = 1;
});
