import { generateLoad, CONNECTIONS } from '../http/load-generator.ts';
import { startServerProcess, type ServerHandle } from '../http/server-handle.ts';
import { HTTP_VARIANTS, type HttpVariant } from '../http/variants.ts';
import {
  formatInteger,
  formatSpread,
  type GoalCheck,
  type ResultRow,
  type ScenarioReport,
} from '../harness/report.ts';
import type { BenchSettings } from '../harness/settings.ts';
import { median, relativeSpread } from '../harness/statistics.ts';

/*
 * At 10 % the kept share over thousands of requests is ~0.1; anything near 1 means the policy did
 * not sample (the figure would then describe the 100 % case, not the 10 % one).
 */
const SAMPLED_SHARE_CEILING = 0.3;

interface VariantSamples {
  requestsPerSecond: number[];
  recordsPerRequest: number[];
  /** Server CPU time per request: less sensitive to a busy machine than the rate itself. */
  cpuMicrosPerRequest: number[];
  peakRssBytes: number;
  problems: string[];
}

function emptySamples(): VariantSamples {
  return {
    requestsPerSecond: [],
    recordsPerRequest: [],
    cpuMicrosPerRequest: [],
    peakRssBytes: 0,
    problems: [],
  };
}

/** Relative goals of issue 5: logweave at 10 % INFO against bare, and against the framework's usual logger. */
const FRAMEWORKS = [
  {
    name: 'express',
    bare: 'express bare',
    logger: 'express + pino-http',
    tenPercent: 'express + logweave 10 % INFO',
  },
  {
    name: 'fastify',
    bare: 'fastify bare',
    logger: 'fastify logger: true',
    tenPercent: 'fastify + logweave 10 % INFO',
  },
] as const satisfies ReadonlyArray<{
  name: string;
  bare: HttpVariant;
  logger: HttpVariant;
  tenPercent: HttpVariant;
}>;

/**
 * One round of one variant: autocannon for `seconds`, then the server drains its logger; the
 * rate is requests completed over the whole time including the drain.
 */
async function measure(server: ServerHandle, seconds: number, samples: VariantSamples): Promise<void> {
  const before = await server.flush();
  const started = process.hrtime.bigint();
  const load = await generateLoad(server.url, seconds);
  const after = await server.flush();
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.requestsPerSecond.push(load.requests.total / elapsedSeconds);
  const requests = Math.max(1, load.requests.total);
  samples.recordsPerRequest.push((after.exportedRecords - before.exportedRecords) / requests);
  samples.cpuMicrosPerRequest.push((after.cpuMicros - before.cpuMicros) / requests);
  samples.peakRssBytes = Math.max(samples.peakRssBytes, after.rssBytes);
  const failures = load.errors + load.timeouts + load.non2xx;
  if (failures > 0) samples.problems.push(`${failures} failed requests`);
  if (after.diagnostics.length > before.diagnostics.length) {
    samples.problems.push(after.diagnostics.slice(before.diagnostics.length).join(' / '));
  }
}

/**
 * Issue 5 / issue 7, row 3: requests per second on loopback with autocannon, each server in its
 * own process, warm-up first, then alternating rounds (the starting variant rotates), medians.
 */
export async function httpScenario(settings: BenchSettings): Promise<ScenarioReport> {
  const warmupSeconds = settings.quick ? 0.5 : 1.5;
  const roundSeconds = settings.quick ? 0.5 : 2;
  const rounds = settings.quick ? 1 : 5;
  const servers: ServerHandle[] = [];
  const unavailable = new Map<HttpVariant, string>();
  // Started together (start-up is module loading, nothing is measured yet), kept in the listed order.
  const started = await Promise.all(HTTP_VARIANTS.map((variant) => startServerProcess(variant)));
  started.forEach((handle, index) => {
    if ('unavailable' in handle) unavailable.set(HTTP_VARIANTS[index]!, handle.unavailable);
    else servers.push(handle);
  });
  const samples = new Map<HttpVariant, VariantSamples>(servers.map((s) => [s.variant, emptySamples()]));
  try {
    const warmup = emptySamples();
    for (const server of servers) await measure(server, warmupSeconds, warmup);
    for (let round = 0; round < rounds; round++) {
      for (let offset = 0; offset < servers.length; offset++) {
        const server = servers[(round + offset) % servers.length]!;
        await measure(server, roundSeconds, samples.get(server.variant)!);
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }

  const medianRps = (variant: HttpVariant): number | undefined => {
    const values = samples.get(variant)?.requestsPerSecond;
    return values === undefined || values.length === 0 ? undefined : median(values);
  };
  const rows: ResultRow[] = HTTP_VARIANTS.map((variant) => {
    const measured = samples.get(variant);
    if (measured === undefined) {
      return { name: variant, value: 'not available yet', note: unavailable.get(variant) };
    }
    const framework = FRAMEWORKS.find((f) => variant.startsWith(f.name))!;
    const bare = medianRps(framework.bare)!;
    const rps = median(measured.requestsPerSecond);
    const notes: string[] = [
      `server ${median(measured.cpuMicrosPerRequest).toFixed(1)} µs CPU/request`,
      `RSS ${(measured.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    ];
    if (variant.includes('logweave')) {
      const perRequest = median(measured.recordsPerRequest);
      notes.push(`${perRequest.toFixed(3)} records exported/request`);
      if (variant.includes('10 %') && perRequest > SAMPLED_SHARE_CEILING) {
        measured.problems.push(
          'the 10 % policy kept nearly every record: the sampling policy is not in the tree yet',
        );
      }
    }
    if (measured.problems.length > 0)
      notes.push(`PROBLEM: ${[...new Set(measured.problems)].slice(0, 2).join('; ')}`);
    return {
      name: variant,
      value: `${formatInteger(rps)} req/s`,
      spread: formatSpread(relativeSpread(measured.requestsPerSecond)),
      ratio: variant === framework.bare ? '' : `${(rps / bare).toFixed(2)}× bare`,
      note: notes.join('; '),
    };
  });

  const goals: GoalCheck[] = [];
  for (const framework of FRAMEWORKS) {
    const tenPercent = medianRps(framework.tenPercent);
    const bare = medianRps(framework.bare);
    const logger = medianRps(framework.logger);
    const tenPercentProblems = samples.get(framework.tenPercent)?.problems ?? [];
    if (
      tenPercent === undefined ||
      bare === undefined ||
      logger === undefined ||
      tenPercentProblems.length > 0
    ) {
      const reason =
        unavailable.get(framework.tenPercent) ?? tenPercentProblems[0] ?? 'a contender did not run';
      goals.push({
        goal: `${framework.name}: logweave 10 % ≥ 0.90× bare and ≥ ${framework.logger}`,
        measured: `not available yet: ${reason}`,
        met: undefined,
      });
      continue;
    }
    const clean = [framework.tenPercent, framework.bare, framework.logger].every(
      (variant) => samples.get(variant)!.problems.length === 0,
    );
    goals.push({
      goal: `${framework.name}: logweave 10 % INFO ≥ 0.90× bare`,
      measured: `${(tenPercent / bare).toFixed(2)}×`,
      met: clean ? tenPercent / bare >= 0.9 : undefined,
    });
    goals.push({
      goal: `${framework.name}: logweave 10 % INFO ≥ ${framework.logger}`,
      measured: `${(tenPercent / logger).toFixed(2)}× ${framework.logger}`,
      met: clean ? tenPercent >= logger : undefined,
    });
  }
  return {
    title: 'HTTP requests per second on loopback (issues 5 and 7)',
    method:
      `autocannon (programmatic API, ${CONNECTIONS} connections, no pipelining) against GET /orders/:id ` +
      `answering \`{"ok":true}\`, each server in its own Node process on 127.0.0.1 with stdout to /dev/null. ` +
      `Warm-up ${warmupSeconds} s per server, then ${rounds} alternating round(s) of ${roundSeconds} s; ` +
      "each sample counts the time until the server has also drained its logger. logweave's one INFO per " +
      "request is its access record (pino-http also writes one line per request; Fastify's `logger: true` " +
      'writes two), kept by `sampling: { default: { info: p } }` and serialized to OTLP protobuf in process; ' +
      'requests carry no traceparent, so each starts its own trace and the 10 % share comes from trace randomness.',
    rows,
    goals,
  };
}
