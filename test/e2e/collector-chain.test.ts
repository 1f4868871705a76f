/**
 * End to end with a real OpenTelemetry Collector (built with the official builder) and a Python
 * service using the OpenTelemetry Python SDK:
 *
 *   client → Express gateway (logweave) → Fastify orders (logweave) → Flask payments (OTel Python)
 *                 └──────────────── OTLP/HTTP ───────────────┴──────────────┘→ Collector → file
 *
 * Run with `npm run test:e2e`. Needs Go and Python 3 (the suite fails saying what to install
 * when either is missing) and the Go module proxy and PyPI for the first, uncached build.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureCollector } from '../../scripts/e2e/build-collector.ts';
import { startCollector } from '../../scripts/e2e/collector-process.ts';
import { freePort } from '../../scripts/e2e/free-port.ts';
import { killAll } from '../../scripts/e2e/managed-process.ts';
import { ensurePythonVenv } from '../../scripts/e2e/python-venv.ts';
import type { ReceivedRecord } from '../helpers/otlp-records.ts';
import { readCollectorOutput, recordKey, waitForOutput } from './support/collector-records.ts';
import { FiguresReport, keptTotal, logweaveFigures, receivedFigures } from './support/figures.ts';
import { driveLoad } from './support/load.ts';
import { startNodeServices, type NodeServices } from './support/node-services.ts';
import { startPayments, type PaymentsService } from './support/payments-service.ts';
import { startStatusCountingProxy, type StatusCountingProxy } from './support/status-counting-proxy.ts';

const INFO_PROBABILITY = 0.5;
/** Memory limit of the flapping-limiter test (see there). */
const FLAPPING_LIMIT_MIB = Number(process.env['LOGWEAVE_E2E_FLAP_MIB'] ?? 4);
const LOGWEAVE_SERVICES = ['gateway', 'orders'] as const;
/** The messages each service writes once per request (its own module, not the access record). */
const OWN_MESSAGES: Record<string, { scope: string; bodies: string[] }> = {
  gateway: { scope: 'gateway.checkout', bodies: ['checkout received', 'checkout completed'] },
  orders: { scope: 'orders.checkout', bodies: ['order created', 'payment confirmed'] },
};
const FIGURES_FILE = fileURLToPath(new URL('../.tmp/e2e-figures.json', import.meta.url));
/** Drops that are sampling decisions, not losses. */
const SAMPLING_REASONS = new Set(['sampled_out', 'not_allowlisted', 'burst']);

let collectorBinary: string;
let python: string;
let workRoot: string;
const figures = new FiguresReport();
/** What the current test started, stopped in reverse order after it whatever happened. */
const cleanups: Array<() => Promise<void>> = [];

async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  // Anything a failed start left behind.
  await killAll();
}

function lossDrops(services: NodeServices): Record<string, Record<string, number>> {
  const losses: Record<string, Record<string, number>> = {};
  for (const name of LOGWEAVE_SERVICES) {
    for (const [reason, count] of Object.entries(services[name].stats().dropped)) {
      if (!SAMPLING_REASONS.has(reason) && count) (losses[name] ??= {})[reason] = count;
    }
  }
  return losses;
}

/** Every logweave record kept so far has reached the Collector (distinct keys ≥ kept). */
function allKeptArrived(services: NodeServices, records: readonly ReceivedRecord[]): boolean {
  return LOGWEAVE_SERVICES.every(
    (name) => receivedFigures(records, name).received >= keptTotal(services[name].stats()),
  );
}

/**
 * Without a spool: every kept record has arrived or was counted as `export_failed` (a batch the
 * Collector wrote before it died without answering counts on both sides, hence ≥).
 */
function allKeptAccountedFor(services: NodeServices, records: readonly ReceivedRecord[]): boolean {
  return LOGWEAVE_SERVICES.every((name) => {
    const stats = services[name].stats();
    return receivedFigures(records, name).received + (stats.dropped.export_failed ?? 0) >= keptTotal(stats);
  });
}

async function phaseDir(name: string): Promise<{ dir: string; out: string }> {
  const dir = join(workRoot, name);
  const out = join(dir, 'out');
  await mkdir(out, { recursive: true });
  return { dir, out };
}

async function startChain(
  logsUrl: string,
  dir: string,
  spool: boolean,
  logsUrlFor?: Partial<Record<'gateway' | 'orders', string>>,
): Promise<{ services: NodeServices; payments: PaymentsService }> {
  const payments = await startPayments(python, logsUrl, dir);
  cleanups.push(() => payments.process.stop('SIGTERM'));
  const services = await startNodeServices(
    {
      logsUrl,
      logsUrlFor,
      infoProbability: INFO_PROBABILITY,
      spoolRoot: spool ? join(dir, 'spool') : undefined,
    },
    payments.url,
  );
  cleanups.push(() => services.close());
  return { services, payments };
}

describe(
  'e2e: Express gateway → Fastify orders → Python payments → real Collector',
  { timeout: 15 * 60_000 },
  () => {
    before(async () => {
      // Sequential on purpose: both are CPU-heavy on a cold cache and the machine has 2 cores.
      const collector = await ensureCollector();
      const venv = await ensurePythonVenv();
      collectorBinary = collector.binary;
      python = venv.python;
      figures.add('setup', {
        collector: {
          binary: collector.binary,
          cached: collector.cached,
          seconds: +(collector.millis / 1000).toFixed(1),
        },
        pythonVenv: { python: venv.python, cached: venv.cached, seconds: +(venv.millis / 1000).toFixed(1) },
      });
      workRoot = await mkdtemp(join(tmpdir(), 'logweave-e2e-'));
    });

    afterEach(runCleanups);

    after(async () => {
      await runCleanups();
      await figures.write(FIGURES_FILE).catch(() => undefined);
      if (workRoot !== undefined && process.env['LOGWEAVE_E2E_KEEP'] === undefined) {
        await rm(workRoot, { recursive: true, force: true });
      } else if (workRoot !== undefined) {
        console.log(`[e2e] kept the work directory ${workRoot}`);
      }
    });

    test('one trace id per request across all three services, request.id on logweave records, identical INFO sampling', async () => {
      const { dir, out } = await phaseDir('chain');
      const collector = await startCollector(collectorBinary, dir, 'collector-chain', {
        httpPort: await freePort(),
        outputFile: join(out, 'logs.jsonl'),
        mode: 'buffered',
      });
      cleanups.push(() => collector.process.stop('SIGTERM'));
      const { services, payments } = await startChain(collector.logsUrl, dir, false);

      const requestCount = 300;
      const load = await driveLoad(services.gatewayUrl, {
        prefix: 'chain',
        concurrency: 8,
        maxRequests: requestCount,
        maxMillis: 120_000,
      });
      assert.deepEqual(load.failed, [], 'every request through the chain succeeds');
      assert.equal(load.succeeded.length, requestCount);

      await Promise.all([services.gateway.forceFlush(), services.orders.forceFlush(), payments.flush()]);
      const paymentsEmitted = await payments.emitted();
      const { output, satisfied } = await waitForOutput(
        out,
        (o) =>
          allKeptArrived(services, o.records) &&
          receivedFigures(o.records, 'payments').received >= paymentsEmitted,
        30_000,
      );
      assert.ok(satisfied, 'every kept record reached the Collector within 30 s after the flush');
      const records = output.records;

      // Every record of a request, from all three services, carries the trace id the payments
      // service saw (returned in the response body through orders and the gateway).
      const traceIdOf = new Map<string, string>();
      for (const requestId of load.succeeded) traceIdOf.set(requestId, load.traceIds.get(requestId) ?? '');
      const byRequest = new Map<string, ReceivedRecord[]>();
      for (const record of records) {
        const requestId = record.attributes['request.id'];
        if (typeof requestId !== 'string') continue;
        const list = byRequest.get(requestId) ?? [];
        list.push(record);
        byRequest.set(requestId, list);
      }
      for (const record of records) {
        if (record.serviceName === 'gateway' || record.serviceName === 'orders') {
          assert.equal(
            typeof record.attributes['request.id'],
            'string',
            `a ${record.serviceName} record without request.id`,
          );
        }
      }
      let keptInfoTraces = 0;
      for (const requestId of load.succeeded) {
        const traceId = traceIdOf.get(requestId);
        assert.match(
          traceId ?? '',
          /^(?!0{32})[0-9a-f]{32}$/,
          `payments returned a trace id for ${requestId}`,
        );
        const list = byRequest.get(requestId) ?? [];
        for (const record of list) {
          assert.equal(
            record.traceId,
            traceId,
            `${record.serviceName} record "${String(record.body)}" of ${requestId}`,
          );
        }
        // The Python service keeps everything: its record of this request is there.
        const paymentsRecords = list.filter((record) => record.serviceName === 'payments');
        assert.equal(paymentsRecords.length, 1, `the payments record of ${requestId}`);
        // INFO sampling: both logweave services keep all or none of their INFO records of a trace.
        const decisions = LOGWEAVE_SERVICES.map((service) => {
          const own = OWN_MESSAGES[service]!;
          const kept = list.filter(
            (record) =>
              record.serviceName === service && record.scope === own.scope && record.severityNumber === 9,
          );
          assert.ok(
            kept.length === 0 || kept.length === own.bodies.length,
            `${service} kept part of ${requestId}`,
          );
          return kept.length > 0;
        });
        assert.equal(decisions[0], decisions[1], `gateway and orders decided differently for ${requestId}`);
        if (decisions[0]) keptInfoTraces++;
      }
      // A consistent decision must also be a sampling decision: about half of the traces kept.
      // Binomial(300, 0.5): sd 8.7, so 90..210 is ±6.9 sd, never flaky.
      assert.ok(
        keptInfoTraces >= 90 && keptInfoTraces <= 210,
        `${keptInfoTraces} of 300 traces kept at INFO`,
      );

      // Nothing kept was lost, nothing arrived twice.
      assert.deepEqual(lossDrops(services), {});
      const perService = logweavePhaseFigures(services, records);
      for (const [name, serviceFigures] of Object.entries(perService)) {
        assert.equal(serviceFigures.received, serviceFigures.kept, `${name}: received = kept`);
        assert.equal(serviceFigures.duplicates, 0, `${name}: no duplicates`);
      }
      figures.add('chain', {
        requests: requestCount,
        keptInfoTraces,
        ...perService,
        payments: paymentsPhaseFigures(records, paymentsEmitted),
      });
    });

    // With the spool every kept record must arrive. Without it the 20 s outage outlasts the
    // exporter's in-memory retries (otlp.timeoutMillis, 10 s): records may be lost, but every one
    // of them must be counted (`export_failed`) — none may vanish.
    for (const withSpool of [true, false]) {
      const what = withSpool
        ? 'every record logweave kept arrives (spool)'
        : 'without a spool, every kept record arrives or is counted as export_failed';
      test(`Collector SIGKILLed under load for 20 s, then restarted: ${what}`, async () => {
        const { dir, out } = await phaseDir(withSpool ? 'kill-spool' : 'kill-memory');
        const httpPort = await freePort();
        const first = await startCollector(collectorBinary, dir, 'collector-before-kill', {
          httpPort,
          outputFile: join(out, 'logs-1.jsonl'),
          mode: 'durable',
        });
        cleanups.push(() => first.process.stop('SIGKILL'));
        const { services, payments } = await startChain(first.logsUrl, dir, withSpool);

        let stopLoad = false;
        const loadDone = driveLoad(services.gatewayUrl, {
          prefix: 'kill',
          concurrency: 4,
          pauseMillis: 50,
          maxRequests: 5_000,
          maxMillis: 120_000,
          shouldStop: () => stopLoad,
        });
        await sleep(3_000);
        await first.process.stop('SIGKILL');
        const killedAt = Date.now();
        await sleep(20_000 - (Date.now() - killedAt));
        const second = await startCollector(collectorBinary, dir, 'collector-after-restart', {
          httpPort,
          outputFile: join(out, 'logs-2.jsonl'),
          mode: 'durable',
        });
        const restartedAt = Date.now();
        cleanups.push(() => second.process.stop('SIGTERM'));
        // Drain time: sample how many logweave records logged before the restart have arrived;
        // once the final count is known, the first sample that reached it is when the backlog drained.
        const backlogSamples: Array<{ at: number; count: number }> = [];
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const { records } = await readCollectorOutput(out);
            backlogSamples.push({ at: Date.now(), count: loggedBefore(records, restartedAt) });
            await sleep(500);
          }
        })();
        await sleep(5_000);
        stopLoad = true;
        const load = await loadDone;
        assert.deepEqual(load.failed, [], 'the services keep answering while the Collector is down');
        await Promise.all([services.gateway.forceFlush(), services.orders.forceFlush(), payments.flush()]);
        const { output, satisfied } = await waitForOutput(
          out,
          (o) => (withSpool ? allKeptArrived(services, o.records) : allKeptAccountedFor(services, o.records)),
          120_000,
        );
        if (withSpool) {
          assert.ok(satisfied, 'every kept record reached the restarted Collector');
          assert.deepEqual(lossDrops(services), {}, 'no kept record was dropped');
        } else {
          assert.ok(satisfied, 'every kept record arrived or was counted as export_failed');
          for (const [name, reasons] of Object.entries(lossDrops(services))) {
            assert.deepEqual(
              Object.keys(reasons),
              ['export_failed'],
              `${name}: the only loss is export_failed`,
            );
          }
        }
        sampling = false;
        await sampler;
        const backlog = loggedBefore(output.records, restartedAt);
        const drainedAt = backlogSamples.find((sample) => sample.count >= backlog)?.at ?? Date.now();

        const phase: Record<string, unknown> = {
          requests: load.succeeded.length,
          outageSeconds: +((restartedAt - killedAt) / 1000).toFixed(1),
          backlogAtRestart: backlog,
          drainSecondsAfterRestart: +((drainedAt - restartedAt) / 1000).toFixed(1),
          unreadableLines: output.unreadableLines,
        };
        const perService = logweavePhaseFigures(services, output.records);
        for (const [name, serviceFigures] of Object.entries(perService)) {
          if (withSpool)
            assert.equal(serviceFigures.received, serviceFigures.kept, `${name}: received = kept`);
          else
            assert.ok(
              serviceFigures.received <= serviceFigures.kept,
              `${name}: nothing arrived that was not kept`,
            );
        }
        Object.assign(phase, perService);
        // The Python SDK is not under test here: its figures are reported, not asserted.
        phase['payments'] = paymentsPhaseFigures(output.records, await payments.emitted());
        figures.add(withSpool ? 'kill.spool' : 'kill.noSpool', phase);
      });
    }

    // Without a spool the exporter retries in memory (within otlp.timeoutMillis, 10 s); with one
    // it moves the batch to the spool at once and the replayer retries it.
    for (const withSpool of [false, true]) {
      const how = withSpool ? 'replayed from the spool' : 'retried in memory, no spool';
      test(`memory limiter refusing with 503 (${how}): nothing is lost`, async () => {
        const { dir, out } = await phaseDir(withSpool ? 'refuse-spool' : 'refuse-memory');
        const httpPort = await freePort();
        // 1 MiB is below any Collector's own heap: the memory limiter refuses every request.
        const refusing = await startCollector(collectorBinary, dir, 'collector-refusing', {
          httpPort,
          outputFile: join(out, 'refused.jsonl'),
          mode: 'durable',
          memoryLimitMib: 1,
        });
        cleanups.push(() => refusing.process.stop('SIGKILL'));
        const status = await statusOfOneRecord(refusing.logsUrl);
        assert.equal(status, 503, 'the real Collector answers 503 while its memory limiter refuses');

        const proxies = await startProxies(refusing.logsUrl);
        const { services, payments } = await startChain(refusing.logsUrl, dir, withSpool, {
          gateway: proxies.gateway.url,
          orders: proxies.orders.url,
        });
        const load = await driveLoad(services.gatewayUrl, {
          prefix: 'refuse',
          concurrency: 4,
          maxRequests: 60,
          maxMillis: 60_000,
        });
        assert.deepEqual(load.failed, []);
        // Long enough for every batch to be sent and refused at least once (schedule 200 ms, first
        // retry after ~1 s), short enough for the exporter's own retries (10 s timeout) to continue.
        await sleep(3_000);
        const refusedPhase = await readCollectorOutput(out);
        assert.deepEqual(
          refusedPhase.records.filter((record) => record.serviceName !== 'e2e-probe'),
          [],
          'nothing got through while the memory limiter refused',
        );
        for (const name of LOGWEAVE_SERVICES) {
          assert.equal(services[name].stats().exported, 0, `${name}: nothing was confirmed while refused`);
          assert.ok(keptTotal(services[name].stats()) > 0, `${name}: records were kept and are waiting`);
          assert.ok(proxies[name].count(503) > 0, `${name}: its exports were answered 503`);
          assert.equal(
            proxies[name].count(200),
            0,
            `${name}: none of its exports was accepted while refusing`,
          );
        }
        await refusing.process.stop('SIGTERM');
        const accepting = await startCollector(collectorBinary, dir, 'collector-accepting', {
          httpPort,
          outputFile: join(out, 'accepted.jsonl'),
          mode: 'durable',
        });
        const acceptedAt = Date.now();
        cleanups.push(() => accepting.process.stop('SIGTERM'));
        await Promise.all([services.gateway.forceFlush(), services.orders.forceFlush(), payments.flush()]);
        const { output, satisfied } = await waitForOutput(
          out,
          (o) => allKeptArrived(services, o.records),
          60_000,
        );
        assert.ok(satisfied, 'every record refused with 503 arrived once the Collector accepted again');
        assert.deepEqual(lossDrops(services), {}, 'no kept record was dropped');
        const phase: Record<string, unknown> = {
          requests: load.succeeded.length,
          secondsToDeliverAfterAccepting: +((Date.now() - acceptedAt) / 1000).toFixed(1),
          exportStatuses: exportStatuses(proxies),
        };
        Object.assign(phase, receivedEqualsKept(services, output.records));
        phase['payments'] = paymentsPhaseFigures(output.records, await payments.emitted());
        if (!withSpool) {
          for (const name of LOGWEAVE_SERVICES) assert.equal(services[name].stats().spooled, 0);
        }
        figures.add(withSpool ? 'refuse503.spool' : 'refuse503.noSpool', phase);
      });
    }

    test('memory limiter at a tiny limit under load (no restart): refused exports are retried, nothing is lost', async () => {
      const { dir, out } = await phaseDir('flap');
      // The e2e Collector's heap is 2-3 MiB when idle (3 MiB was enough before the sampler,
      // filter and filelog components were built in; with them it refused for good): at 4 MiB
      // the limiter refuses while a burst of requests is in memory, forces a GC, and accepts again.
      const collector = await startCollector(collectorBinary, dir, 'collector-flapping', {
        httpPort: await freePort(),
        outputFile: join(out, 'logs.jsonl'),
        mode: 'durable',
        memoryLimitMib: FLAPPING_LIMIT_MIB,
      });
      cleanups.push(() => collector.process.stop('SIGTERM'));
      const proxies = await startProxies(collector.logsUrl);
      const { services, payments } = await startChain(collector.logsUrl, dir, true, {
        gateway: proxies.gateway.url,
        orders: proxies.orders.url,
      });
      const load = await driveLoad(services.gatewayUrl, {
        prefix: 'flap',
        concurrency: 8,
        maxRequests: 1_500,
        maxMillis: 60_000,
      });
      assert.deepEqual(load.failed, []);
      await Promise.all([services.gateway.forceFlush(), services.orders.forceFlush(), payments.flush()]);
      const { output, satisfied } = await waitForOutput(
        out,
        (o) => allKeptArrived(services, o.records),
        120_000,
      );
      assert.ok(satisfied, 'every kept record arrived');
      assert.deepEqual(lossDrops(services), {}, 'no kept record was dropped');
      const refusals = proxies.gateway.count(503) + proxies.orders.count(503);
      const refusalLogLines = collector.process.output().split('Refusing data').length - 1;
      const phase: Record<string, unknown> = {
        requests: load.succeeded.length,
        memoryLimitMib: FLAPPING_LIMIT_MIB,
        collectorRefusalEpisodes: refusalLogLines,
        exportStatuses: exportStatuses(proxies),
      };
      Object.assign(phase, receivedEqualsKept(services, output.records));
      phase['payments'] = paymentsPhaseFigures(output.records, await payments.emitted());
      figures.add('flapping503', phase);
      assert.ok(
        refusals > 0,
        `the memory limiter refused some of logweave's exports (${refusalLogLines} refusal episodes)`,
      );
    });
  },
);

/** Distinct logweave records logged (record timestamp) before `millis`. */
/** Emitted, kept, received and duplicates of each logweave service in one phase. */
function logweavePhaseFigures(
  services: NodeServices,
  records: readonly ReceivedRecord[],
): Record<(typeof LOGWEAVE_SERVICES)[number], ReturnType<typeof logweaveFigures>> {
  return {
    gateway: logweaveFigures(services.gateway.stats(), records, 'gateway'),
    orders: logweaveFigures(services.orders.stats(), records, 'orders'),
  };
}

/** The per-service figures, asserting that every record each service kept was received. */
function receivedEqualsKept(
  services: NodeServices,
  records: readonly ReceivedRecord[],
): ReturnType<typeof logweavePhaseFigures> {
  const perService = logweavePhaseFigures(services, records);
  for (const [name, serviceFigures] of Object.entries(perService)) {
    assert.equal(serviceFigures.received, serviceFigures.kept, `${name}: received = kept`);
  }
  return perService;
}

/** The Python service keeps everything it emits; what arrived is counted from the Collector's file. */
function paymentsPhaseFigures(records: readonly ReceivedRecord[], emitted: number): Record<string, unknown> {
  return { emitted, kept: emitted, ...receivedFigures(records, 'payments') };
}

/** HTTP statuses each logweave service's exports got, as counted by the proxies in front of the Collector. */
function exportStatuses(
  proxies: Record<'gateway' | 'orders', StatusCountingProxy>,
): Record<string, Record<string, number>> {
  return {
    gateway: Object.fromEntries(proxies.gateway.statuses),
    orders: Object.fromEntries(proxies.orders.statuses),
  };
}

function loggedBefore(records: readonly ReceivedRecord[], millis: number): number {
  const before = BigInt(millis) * 1_000_000n;
  const keys = new Set<string>();
  for (const record of records) {
    if (record.serviceName !== 'gateway' && record.serviceName !== 'orders') continue;
    if (BigInt(record.timeUnixNano || '0') < before) keys.add(recordKey(record));
  }
  return keys.size;
}

/** One status-counting proxy per logweave service in front of `logsUrl`, closed in `after`. */
async function startProxies(logsUrl: string): Promise<Record<'gateway' | 'orders', StatusCountingProxy>> {
  const gateway = await startStatusCountingProxy(logsUrl);
  const orders = await startStatusCountingProxy(logsUrl);
  cleanups.push(
    () => gateway.close(),
    () => orders.close(),
  );
  return { gateway, orders };
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, millis)));
}

/**
 * Posts one OTLP/JSON record and returns the status, retrying a 200 for up to 5 s: the memory
 * limiter starts refusing at its first check (every 100 ms), not at startup.
 */
async function statusOfOneRecord(logsUrl: string): Promise<number> {
  const body = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-probe' } }] },
        scopeLogs: [
          { scope: { name: 'probe' }, logRecords: [{ severityNumber: 9, body: { stringValue: 'probe' } }] },
        ],
      },
    ],
  });
  const deadline = Date.now() + 5_000;
  let status = 0;
  while (Date.now() < deadline) {
    const response = await fetch(logsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    status = response.status;
    if (status !== 200) return status;
    await sleep(100);
  }
  return status;
}
