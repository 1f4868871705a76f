/**
 * logweave and the Collector's probabilistic sampler (contrib, v0.159.0) decide alike:
 *  - logweave at p and the Collector at p (proportional mode, the README's gateway recipe) keep
 *    the same records of the same corpus, records with an explicit `ot=rv:` and records outside
 *    any trace included;
 *  - logweave at p followed by the recipe at q keeps the p·q set (the Collector multiplies the
 *    probability logweave wrote in `sampling.threshold`), ERROR untouched;
 *  - and what goes wrong without the recipe: a sampler over every record re-samples ERROR, and
 *    the default mode (hash_seed) drops every record that carries logweave's attributes.
 * Expected sets are computed here from each record's randomness (the rv, else the trace id's
 * low 56 bits) and thresholds the Collector's own `pkg/sampling` gives (scripts/e2e/threshold-oracle).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureCollector } from '../../scripts/e2e/build-collector.ts';
import { startCollectorWithConfig } from '../../scripts/e2e/collector-process.ts';
import { freePort } from '../../scripts/e2e/free-port.ts';
import { killAll } from '../../scripts/e2e/managed-process.ts';
import {
  gatewayRecipeConfig,
  singlePipelineConfig,
  type TestCollectorTarget,
} from '../../scripts/e2e/sampling-collector-config.ts';
import { askThresholdOracle, ensureThresholdOracle } from '../../scripts/e2e/threshold-oracle.ts';
import { createLogging, type LoggingOptions, runWithRequestContext } from '../../src/index.ts';
import type { ReceivedRecord } from '../helpers/otlp-records.ts';
import { waitForOutput } from './support/collector-records.ts';
import {
  corpusIndex,
  emitCorpus,
  makeCorpus,
  traceRandomness,
  type CorpusRecord,
} from './support/interop-corpus.ts';

/** logweave's INFO probability, and the gateway's. Both are exact float32 percentages. */
const P = 0.1;
const Q = 0.5;
const SEED = 'sampler-interop';
const corpus = makeCorpus({ traces: 20_000, outside: 5_000, seed: 20261202 });
/** A trace whose randomness is the largest: kept at every threshold. */
const SENTINEL_TRACEPARENT = '00-0123456789abcdef00ffffffffffffff-00f067aa0ba902b7-01';
const SENTINELS = ['sentinel info', 'sentinel error'];
/**
 * logweave keeping everything. With a sampling section (here: every rule at 1) records outside
 * any trace carry the randomness of the seeded sequence, which a downstream sampler needs;
 * without one only records with an explicit rv do (nothing is decided then).
 */
const KEEP_ALL = { sampling: { default: { info: 1 } } };

let collectorBinary: string;
let oracleBinary: string;
let workRoot: string;

/** The Collector's tvalue for a probability (its default precision, 4, as logweave's). */
async function collectorTValue(probability: number): Promise<string> {
  const [answer] = await askThresholdOracle(oracleBinary, [{ probability, precision: 4 }]);
  if (typeof answer?.tvalue !== 'string') throw new Error(`the oracle refused ${probability}`);
  return answer.tvalue;
}

function thresholdOf(tvalue: string): bigint {
  return BigInt(`0x${tvalue.padEnd(14, '0')}`);
}

/** The Collector's Threshold.Probability(): (2^56 - T) / 2^56 in float64. */
function probabilityOf(tvalue: string): number {
  return Number((1n << 56n) - thresholdOf(tvalue)) / 2 ** 56;
}

interface PhaseResult {
  /** Corpus records received, by index. */
  byIndex: Map<number, ReceivedRecord>;
  duplicates: number;
  collectorLog: string;
}

/**
 * Starts a Collector with `configText`, sends the whole corpus through a logweave pipeline with
 * `logging` options, then two sentinel records kept by every configuration here (the largest
 * randomness, and `e2e.priority: 100` where a config honours it) and waits for them: each
 * pipeline writes in order, so everything sent before them is in the file by then.
 */
async function runPhase(
  name: string,
  configFor: (target: TestCollectorTarget) => string | Promise<string>,
  logging: Pick<LoggingOptions, 'sampling'>,
): Promise<PhaseResult> {
  const dir = join(workRoot, name);
  await mkdir(join(dir, 'out'), { recursive: true });
  const target = { httpPort: await freePort(), outputFile: join(dir, 'out', `${name}.jsonl`) };
  const collector = await startCollectorWithConfig(collectorBinary, dir, name, {
    ...target,
    configText: await configFor(target),
  });
  const diagnostics: string[] = [];
  const pipeline = createLogging({
    serviceName: 'interop',
    env: { LOGWEAVE_SAMPLING_SEED: SEED },
    exporter: 'otlp',
    otlp: { url: collector.logsUrl },
    batch: { maxQueueSize: 50_000, maxExportBatchSize: 4_000, scheduledDelayMillis: 50 },
    handleSignals: false,
    diagnosticWriter: (line) => diagnostics.push(line),
    ...logging,
  });
  try {
    emitCorpus(pipeline, corpus);
    await pipeline.forceFlush();
    runWithRequestContext({ traceparent: SENTINEL_TRACEPARENT }, () => {
      const log = pipeline.getLogger('interop');
      log.info(SENTINELS[0]!, { 'e2e.priority': 100 });
      log.error(SENTINELS[1]!, { 'e2e.priority': 100 });
    });
    await pipeline.forceFlush();
    const { output, satisfied } = await waitForOutput(
      join(dir, 'out'),
      (current) => SENTINELS.every((body) => current.records.some((record) => record.body === body)),
      60_000,
    );
    assert.ok(
      satisfied,
      `${name}: the sentinels never arrived. Collector:\n${collector.process.output().slice(-3_000)}`,
    );
    assert.deepEqual(diagnostics, [], `${name}: logweave reported problems`);
    const byIndex = new Map<number, ReceivedRecord>();
    let duplicates = 0;
    for (const record of output.records) {
      const index = corpusIndex(record.body);
      if (index === undefined) continue;
      if (byIndex.has(index)) duplicates++;
      byIndex.set(index, record);
    }
    return { byIndex, duplicates, collectorLog: collector.process.output() };
  } finally {
    await pipeline.shutdown();
    await collector.process.stop('SIGTERM');
  }
}

function setOf(result: PhaseResult): Set<number> {
  return new Set(result.byIndex.keys());
}

function difference(a: Set<number>, b: Set<number>): number[] {
  return [...a].filter((index) => !b.has(index));
}

function summary(label: string, kept: Set<number>, expected: Set<number>): string {
  const missing = difference(expected, kept).length;
  const extra = difference(kept, expected).length;
  return `${label}: kept ${kept.size}, expected ${expected.size}, disagreements ${missing + extra} (${missing} missing, ${extra} extra)`;
}

describe(
  'e2e: logweave and the Collector probabilistic sampler keep the same records',
  { timeout: 20 * 60_000 },
  () => {
    /** Randomness per corpus index: the rv or trace id, else what logweave wrote (from phase U). */
    const randomness = new Map<number, bigint>();
    const errors = new Set(corpus.records.filter((r) => r.severity === 'error').map((r) => r.index));
    let unsampled: PhaseResult;
    let loggedAtP: PhaseResult;
    let tvalueP: string;

    const keptAt = (threshold: bigint, records: readonly CorpusRecord[] = corpus.records): Set<number> =>
      new Set(
        records
          .filter((record) => record.severity === 'error' || randomness.get(record.index)! >= threshold)
          .map((record) => record.index),
      );

    before(async () => {
      collectorBinary = (await ensureCollector()).binary;
      oracleBinary = (await ensureThresholdOracle()).binary;
      workRoot = await mkdtemp(join(tmpdir(), 'logweave-e2e-sampler-'));
      tvalueP = await collectorTValue(P);
      console.log(
        `[e2e figures] sampler corpus: ${corpus.records.length} records, ${corpus.traces} traces (${corpus.rvTraces} with ot=rv), ` +
          `${corpus.records.filter((r) => r.trace === undefined).length} outside any trace, ${errors.size} ERROR; p = ${P} (th ${tvalueP}), q = ${Q}`,
      );
    });

    after(async () => {
      await killAll();
      if (process.env['LOGWEAVE_E2E_KEEP'] === '1') console.log(`[e2e] work directory kept: ${workRoot}`);
      else await rm(workRoot, { recursive: true, force: true });
    });

    test('U: logweave keeping all (rules at 1) → Collector without a sampler: every record, with the randomness a downstream sampler needs', async () => {
      unsampled = await runPhase('keep-all', (target) => singlePipelineConfig(target), KEEP_ALL);
      assert.equal(unsampled.byIndex.size, corpus.records.length);
      assert.equal(unsampled.duplicates, 0);
      // Counted first and asserted after, so a run against an older logweave still prints figures.
      let rvWritten = 0;
      let rvMissing = 0;
      let traceIdWritten = 0;
      let outsideMissing = 0;
      for (const record of corpus.records) {
        const written = unsampled.byIndex.get(record.index)?.attributes['sampling.randomness'];
        const wellFormed = typeof written === 'string' && /^[0-9a-f]{14}$/.test(written);
        if (record.trace?.rv !== undefined) {
          if (written === record.trace.rv) rvWritten++;
          else rvMissing++;
        } else if (record.trace !== undefined) {
          if (written !== undefined) traceIdWritten++;
        } else if (!wellFormed) {
          outsideMissing++;
        }
        // Without randomness a Collector drops the record (fail_closed): -1 is below every threshold.
        randomness.set(record.index, traceRandomness(record) ?? (wellFormed ? BigInt(`0x${written}`) : -1n));
      }
      console.log(
        `[e2e figures] sampler U: ${unsampled.byIndex.size} received; rv records with the rv as sampling.randomness ` +
          `${rvWritten}, without ${rvMissing}; outside any trace without randomness ${outsideMissing}`,
      );
      assert.equal(rvMissing, 0, 'every record of a trace with an explicit rv says it');
      assert.equal(
        traceIdWritten,
        0,
        'records whose randomness is the trace id carry none (the Collector reads it)',
      );
      assert.equal(
        outsideMissing,
        0,
        'records outside any trace carry the randomness of the seeded sequence',
      );
    });

    test('B: logweave at p → Collector without a sampler: exactly R ≥ T(p), ERROR all', async () => {
      loggedAtP = await runPhase('logweave-p', (target) => singlePipelineConfig(target), {
        sampling: { default: { info: P } },
      });
      const expected = keptAt(thresholdOf(tvalueP));
      const kept = setOf(loggedAtP);
      console.log(`[e2e figures] sampler B (logweave at ${P}) ${summary('', kept, expected)}`);
      assert.deepEqual(difference(expected, kept), []);
      assert.deepEqual(difference(kept, expected), []);
      for (const [index, record] of loggedAtP.byIndex) {
        if (!errors.has(index)) assert.equal(record.attributes['sampling.threshold'], tvalueP);
      }
    });

    test('A: logweave keeping all → the gateway recipe at p: the same records as logweave at p', async () => {
      const gateway = await runPhase('gateway-p', (target) => gatewayRecipeConfig(target, P * 100), KEEP_ALL);
      const kept = setOf(gateway);
      const byLogweave = setOf(loggedAtP);
      console.log(
        `[e2e figures] sampler A (Collector at ${P}) ${summary('vs logweave at p', kept, byLogweave)}`,
      );
      assert.deepEqual(difference(byLogweave, kept), []);
      assert.deepEqual(difference(kept, byLogweave), []);
      // The Collector wrote the same threshold logweave writes.
      const otherThreshold = [...gateway.byIndex].filter(
        ([index, record]) => !errors.has(index) && record.attributes['sampling.threshold'] !== tvalueP,
      );
      assert.deepEqual(otherThreshold.slice(0, 5), []);
      assert.doesNotMatch(gateway.collectorLog, /deprecated/i, 'the recipe uses current component names');
    });

    test('C: logweave at p → the gateway recipe at q: the p·q set, ERROR untouched', async () => {
      const tvalueProduct = await collectorTValue(probabilityOf(tvalueP) * Q);
      const chained = await runPhase(
        'logweave-p-gateway-q',
        (target) => gatewayRecipeConfig(target, Q * 100),
        {
          sampling: { default: { info: P } },
        },
      );
      const kept = setOf(chained);
      const expected = keptAt(thresholdOf(tvalueProduct));
      console.log(
        `[e2e figures] sampler C (logweave at ${P}, then Collector at ${Q}: th ${tvalueProduct}) ${summary('', kept, expected)}; ` +
          `ERROR ${[...errors].filter((index) => kept.has(index)).length} of ${errors.size}`,
      );
      assert.deepEqual(difference(expected, kept), []);
      assert.deepEqual(difference(kept, expected), []);
      assert.deepEqual(difference(kept, setOf(loggedAtP)), [], 'a subset of what logweave kept');
      for (const [index, record] of chained.byIndex) {
        assert.equal(
          record.attributes['sampling.threshold'],
          errors.has(index) ? undefined : tvalueProduct,
          `r${index}`,
        );
      }
    });

    test('D: without the recipe, a sampler at q over every record re-samples the ERROR records logweave kept', async () => {
      const tvalueQ = await collectorTValue(Q);
      const naive = await runPhase(
        'logweave-p-sampler-q',
        (target) => singlePipelineConfig(target, { mode: 'proportional', samplingPercentage: Q * 100 }),
        { sampling: { default: { info: P } } },
      );
      const keptErrors = [...errors].filter((index) => naive.byIndex.has(index));
      const expectedErrors = [...errors].filter((index) => randomness.get(index)! >= thresholdOf(tvalueQ));
      console.log(
        `[e2e figures] sampler D (no ERROR bypass): ERROR kept ${keptErrors.length} of ${errors.size}`,
      );
      assert.deepEqual(keptErrors, expectedErrors, 'ERROR decided downstream by its randomness at q');
      assert.ok(keptErrors.length < errors.size);
    });

    test("E: the sampler's default mode (hash_seed) drops every record that carries sampling.threshold or sampling.randomness", async () => {
      const hashSeed = await runPhase(
        'logweave-p-hash-seed',
        (target) => singlePipelineConfig(target, { samplingPercentage: Q * 100 }),
        { sampling: { default: { info: P } } },
      );
      const carrying = [...loggedAtP.byIndex].filter(
        ([, record]) =>
          record.attributes['sampling.threshold'] !== undefined ||
          record.attributes['sampling.randomness'] !== undefined,
      );
      const survivors = carrying.filter(([index]) => hashSeed.byIndex.has(index));
      console.log(
        `[e2e figures] sampler E (mode unset = hash_seed): ${survivors.length} of ${carrying.length} records with logweave's attributes kept; ` +
          `${hashSeed.byIndex.size} of ${loggedAtP.byIndex.size} in all`,
      );
      assert.ok(carrying.length > 0);
      assert.equal(survivors.length, 0);
    });
  },
);
