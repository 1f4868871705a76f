import { nextTurn } from '../harness/event-loop.ts';
import { runInterleaved, type BenchCase } from '../harness/interleaved.ts';
import {
  formatNanoseconds,
  formatRatio,
  formatSpread,
  type GoalCheck,
  type ResultRow,
  type ScenarioReport,
} from '../harness/report.ts';
import { RECORDS_PER_TURN, type BenchSettings } from '../harness/settings.ts';
import { createLogweavePipeline, droppedTotal } from '../peers/logweave-pipeline.ts';
import { createInstrumentedPino } from '../peers/pino-peers.ts';
import {
  callAttributes,
  MESSAGE,
  requestHeaders,
  TRACE_ID_KEPT,
  TRACE_ID_SAMPLED_OUT,
} from '../peers/sample-record.ts';
import pino from 'pino';
import { logweavePino } from '../../integrations/pino/index.ts';
import { runWithRequestContext } from '../../src/index.ts';

const DEV_NULL = 'pino → /dev/null (sync)';
const OTEL_KEPT = 'pino + instrumentation-pino → logweave, kept';
const OTEL_DROPPED = 'pino + instrumentation-pino → logweave, sampled out';
const WEAVE_KEPT = 'pino → logweave/pino, kept';
const WEAVE_BESIDE_KEPT = 'pino → /dev/null + logweave/pino (multistream), kept';
const WEAVE_DROPPED = 'pino → logweave/pino, sampled out (serialised, not parsed)';
const WEAVE_HOOK_DROPPED = 'pino → logweave/pino + logMethod hook, sampled out (not serialised)';
const WEAVE_BESIDE_DROPPED = 'pino → /dev/null + logweave/pino (multistream), sampled out';

/** 10 % of INFO, as in the drop-cost scenario: a trace at the bottom of the range is dropped, one at the top kept. */
const SAMPLING = { default: { info: 0.1 } };

function devNull(): pino.DestinationStream {
  return pino.destination({ dest: '/dev/null', sync: true });
}

/**
 * Issue 17's benchmark: a pino line into logweave through logweave/pino, kept and sampled out,
 * beside pino to /dev/null and pino + @opentelemetry/instrumentation-pino into the same logweave
 * pipeline (both logs globals point at it), in one process, interleaved.
 */
export async function pinoBridgeScenario(settings: BenchSettings): Promise<ScenarioReport> {
  const weave = createLogweavePipeline({ sampling: SAMPLING });
  const destination = logweavePino(weave.logging);
  const plain = pino(devNull());
  const instrumented = createInstrumentedPino(weave.logging.loggerProvider);
  const toWeave = pino(destination);
  const hooked = pino({ hooks: { logMethod: destination.logMethod } }, destination);
  const beside = pino({}, pino.multistream([{ stream: devNull() }, { stream: destination }]));
  const kept = { headers: requestHeaders(TRACE_ID_KEPT) };
  const sampledOut = { headers: requestHeaders(TRACE_ID_SAMPLED_OUT) };

  let exportedBefore = 0;
  let droppedBefore = 0;
  const snapshot = (): void => {
    exportedBefore = weave.exporter.records;
    droppedBefore = droppedTotal(weave.logging);
  };
  const exportedAll = (ops: number): string | undefined => {
    const exported = weave.exporter.records - exportedBefore;
    return exported === ops ? undefined : `${ops} lines logged, ${exported} exported`;
  };
  const droppedAll = (ops: number): string | undefined => {
    const exported = weave.exporter.records - exportedBefore;
    const dropped = droppedTotal(weave.logging) - droppedBefore;
    if (exported !== 0) return `${exported} records exported`;
    return dropped === ops ? undefined : `${ops} lines logged, ${dropped} counted as dropped`;
  };
  const keptCase = (name: string, logger: pino.Logger): BenchCase => ({
    name,
    run: async (ops) => {
      await runWithRequestContext(kept, async () => {
        for (let done = 0; done < ops; done += RECORDS_PER_TURN) {
          for (let i = 0; i < RECORDS_PER_TURN; i++) logger.info(callAttributes(), MESSAGE);
          await nextTurn();
        }
      });
      await weave.logging.forceFlush();
    },
    before: snapshot,
    verify: exportedAll,
  });
  const droppedCase = (name: string, logger: pino.Logger): BenchCase => ({
    name,
    run: (ops) =>
      runWithRequestContext(sampledOut, () => {
        for (let i = 0; i < ops; i++) logger.info(callAttributes(), MESSAGE);
      }),
    before: snapshot,
    verify: droppedAll,
  });
  const cases: BenchCase[] = [
    {
      name: DEV_NULL,
      run: (ops) =>
        runWithRequestContext(kept, () => {
          for (let i = 0; i < ops; i++) plain.info(callAttributes(), MESSAGE);
        }),
    },
    keptCase(OTEL_KEPT, instrumented),
    keptCase(WEAVE_KEPT, toWeave),
    keptCase(WEAVE_BESIDE_KEPT, beside),
    droppedCase(OTEL_DROPPED, instrumented),
    droppedCase(WEAVE_DROPPED, toWeave),
    droppedCase(WEAVE_HOOK_DROPPED, hooked),
    droppedCase(WEAVE_BESIDE_DROPPED, beside),
  ];
  const keptOps = settings.quick ? 2000 : 20_000;
  const dropOps = settings.quick ? 20_000 : 200_000;
  const keptNames = new Set([OTEL_KEPT, WEAVE_KEPT, WEAVE_BESIDE_KEPT]);
  const results = await runInterleaved(cases, {
    warmupRounds: settings.quick ? 1 : 3,
    rounds: settings.quick ? 3 : 15,
    opsPerSample: dropOps,
    opsFor: (name) => (keptNames.has(name) ? keptOps : dropOps),
  });
  await weave.logging.shutdown();

  const byName = new Map(results.map((result) => [result.name, result]));
  const ns = (name: string): number => byName.get(name)!.medianNs;
  const devNullNs = ns(DEV_NULL);
  const rows: ResultRow[] = results.map((result) => ({
    name: result.name,
    value: `${formatNanoseconds(result.medianNs)}/line`,
    spread: formatSpread(result.spreadPercent),
    ratio: result.name === DEV_NULL ? '' : formatRatio(result.medianNs / devNullNs, 'pino → /dev/null'),
    note: result.problems.length > 0 ? `INVALID: ${result.problems.slice(0, 2).join('; ')}` : undefined,
  }));
  const trustworthy = results.every((result) => result.problems.length === 0);
  const goals: GoalCheck[] = [
    {
      goal: 'kept line: logweave/pino ≤ pino + instrumentation-pino (same pipeline)',
      measured: `${(ns(WEAVE_KEPT) / ns(OTEL_KEPT)).toFixed(2)}× (beside /dev/null: ${(ns(WEAVE_BESIDE_KEPT) / ns(OTEL_KEPT)).toFixed(2)}×)`,
      met: trustworthy ? ns(WEAVE_BESIDE_KEPT) <= ns(OTEL_KEPT) : undefined,
    },
    {
      goal: 'sampled-out line with the logMethod hook ≤ 1/4 of pino → /dev/null (no JSON paid)',
      measured: `${(ns(WEAVE_HOOK_DROPPED) / devNullNs).toFixed(2)}× pino → /dev/null`,
      met: trustworthy ? ns(WEAVE_HOOK_DROPPED) <= devNullNs / 4 : undefined,
    },
    {
      goal: 'sampled-out line, destination only ≤ pino + instrumentation-pino sampled out',
      measured: `${(ns(WEAVE_DROPPED) / ns(OTEL_DROPPED)).toFixed(2)}×`,
      met: trustworthy ? ns(WEAVE_DROPPED) <= ns(OTEL_DROPPED) : undefined,
    },
  ];
  return {
    title: 'pino lines into logweave: logweave/pino beside pino and instrumentation-pino (issue 17)',
    method:
      `One logweave pipeline with \`sampling: ${JSON.stringify(SAMPLING)}\` into the in-process OTLP ` +
      'protobuf serializer; instrumentation-pino (log sending) and logweave/pino both feed it. Kept cases log ' +
      `${keptOps.toLocaleString('en-US')} lines of a request whose trace randomness is above the threshold, ` +
      `${RECORDS_PER_TURN} per turn, and drain; sampled-out cases log ${dropOps.toLocaleString('en-US')} lines of ` +
      'a request below it, and the harness checks that none was exported and each was counted as dropped. ' +
      'Every call builds its merge object, as real call sites do. Time per line.',
    rows,
    goals,
  };
}
