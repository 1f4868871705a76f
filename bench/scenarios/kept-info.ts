import { context, SeverityNumber } from '@opentelemetry/api';
import type { Logger as PinoLogger } from 'pino';
import { nextTurn } from '../harness/event-loop.ts';
import { runInterleaved, type BenchCase, type CaseResult } from '../harness/interleaved.ts';
import {
  formatNanoseconds,
  formatRatio,
  formatSpread,
  type ResultRow,
  type ScenarioReport,
} from '../harness/report.ts';
import type { SerializingExporter } from '../harness/serializing-exporter.ts';
import { RECORDS_PER_TURN, type BenchSettings } from '../harness/settings.ts';
import { createLogweavePipeline, droppedTotal } from '../peers/logweave-pipeline.ts';
import { createInstrumentedPino, createPinoWithMixin } from '../peers/pino-peers.ts';
import { createRawOtelPipeline } from '../peers/raw-otel.ts';
import { BENCH_REQUEST, requestStorage } from '../peers/request-store.ts';
import {
  callAttributes,
  MESSAGE,
  REQUEST_ID,
  requestHeaders,
  spanContextFor,
  TRACE_ID_KEPT,
} from '../peers/sample-record.ts';
import { createWinstonPeer } from '../peers/winston-peer.ts';
import { runWithRequestContext } from '../../src/index.ts';

const LOGWEAVE = 'logweave facade → OTLP protobuf';
const LOGWEAVE_EMIT = 'logweave pipeline via Logger.emit (OTel API) → OTLP protobuf';
const RAW_OTEL = 'raw OTel (LoggerProvider + BatchLogRecordProcessor) → OTLP protobuf';
const PINO_MIXIN = 'pino, ALS mixin, sync /dev/null';
const WINSTON = 'winston, ALS format, JSON → /dev/null';
const PINO_OTEL = 'pino + instrumentation-pino log sending → OTLP protobuf';

/** Logs `ops` records, RECORDS_PER_TURN per event-loop turn, as a busy service would. */
async function inTurns(ops: number, logSome: (count: number) => void): Promise<void> {
  for (let done = 0; done < ops; done += RECORDS_PER_TURN) {
    logSome(Math.min(RECORDS_PER_TURN, ops - done));
    await nextTurn();
  }
}

/** `before`/`verify` hooks checking that a sample exported exactly the records it logged. */
function exportedExactly(exporter: SerializingExporter): Pick<BenchCase, 'before' | 'verify'> {
  let before = 0;
  return {
    before: () => {
      before = exporter.records;
    },
    verify: (ops) => {
      const exported = exporter.records - before;
      return exported === ops ? undefined : `${ops} records logged, ${exported} exported`;
    },
  };
}

/** A record as the peers log it: the same body, attributes, request id and trace id. */
function checkLogweaveRecord(exporter: SerializingExporter): string | undefined {
  const record = exporter.lastBatch.at(-1);
  if (record === undefined) return 'no record exported';
  if (record.attributes['request.id'] !== REQUEST_ID) return 'exported record has no request.id';
  if (record.spanContext?.traceId !== TRACE_ID_KEPT) return 'exported record has the wrong trace id';
  if (record.body !== MESSAGE || record.attributes['amount'] !== 42)
    return 'exported record lost its content';
  return undefined;
}

/** The contenders of the kept-INFO comparison, ready to run; `close` shuts their pipelines down. */
export function keptInfoCases(): { cases: BenchCase[]; close(): Promise<void> } {
  const weave = createLogweavePipeline();
  const weaveLog = weave.logging.getLogger('bench.checkout');
  const raw = createRawOtelPipeline('bench.checkout');
  const pinoMixin: PinoLogger = createPinoWithMixin();
  const winstonPeer = createWinstonPeer();
  const pinoOtel = createRawOtelPipeline('bench.pino');
  const instrumentedPino: PinoLogger = createInstrumentedPino(pinoOtel.provider);
  const spanContext = spanContextFor(TRACE_ID_KEPT);

  const weaveOtelLogger = weave.logging.loggerProvider.getLogger('bench.checkout');
  /** The checks of a logweave sample: nothing dropped, everything exported, the record intact. */
  const weaveChecks = (): Pick<BenchCase, 'before' | 'verify'> => {
    const exported = exportedExactly(weave.exporter);
    let dropsBefore = 0;
    return {
      before: () => {
        exported.before!();
        dropsBefore = droppedTotal(weave.logging);
      },
      verify: (ops) => {
        const drops = droppedTotal(weave.logging) - dropsBefore;
        if (drops > 0) return `${drops} records dropped (${JSON.stringify(weave.logging.stats().dropped)})`;
        return exported.verify!(ops) ?? checkLogweaveRecord(weave.exporter);
      },
    };
  };
  const cases: BenchCase[] = [
    {
      name: LOGWEAVE,
      run: async (ops) => {
        await runWithRequestContext({ headers: requestHeaders(TRACE_ID_KEPT) }, () =>
          inTurns(ops, (count) => {
            for (let i = 0; i < count; i++) weaveLog.info(MESSAGE, callAttributes());
          }),
        );
        await weave.logging.forceFlush();
      },
      ...weaveChecks(),
    },
    {
      name: LOGWEAVE_EMIT,
      run: async (ops) => {
        await runWithRequestContext({ headers: requestHeaders(TRACE_ID_KEPT) }, () =>
          inTurns(ops, (count) => {
            for (let i = 0; i < count; i++) {
              weaveOtelLogger.emit({
                severityNumber: SeverityNumber.INFO,
                severityText: 'INFO',
                body: MESSAGE,
                attributes: callAttributes(),
              });
            }
          }),
        );
        await weave.logging.forceFlush();
      },
      ...weaveChecks(),
    },
    {
      name: RAW_OTEL,
      run: async (ops) => {
        // The cheapest way a raw-OTel user gets the same record: request id passed by hand.
        await context.with(spanContext, () =>
          inTurns(ops, (count) => {
            for (let i = 0; i < count; i++) {
              raw.logger.emit({
                severityNumber: SeverityNumber.INFO,
                severityText: 'INFO',
                body: MESSAGE,
                attributes: { ...callAttributes(), 'request.id': REQUEST_ID },
              });
            }
          }),
        );
        await raw.provider.forceFlush();
      },
      ...exportedExactly(raw.exporter),
    },
    {
      name: PINO_MIXIN,
      run: (ops) =>
        requestStorage.run(BENCH_REQUEST, () =>
          inTurns(ops, (count) => {
            for (let i = 0; i < count; i++) pinoMixin.info(callAttributes(), MESSAGE);
          }),
        ),
    },
    {
      name: WINSTON,
      run: async (ops) => {
        await requestStorage.run(BENCH_REQUEST, () =>
          inTurns(ops, (count) => {
            for (let i = 0; i < count; i++) winstonPeer.logger.info(MESSAGE, callAttributes());
          }),
        );
        await winstonPeer.drain();
      },
    },
    {
      name: PINO_OTEL,
      run: async (ops) => {
        await context.with(spanContext, () =>
          requestStorage.run(BENCH_REQUEST, () =>
            inTurns(ops, (count) => {
              for (let i = 0; i < count; i++) instrumentedPino.info(callAttributes(), MESSAGE);
            }),
          ),
        );
        await pinoOtel.provider.forceFlush();
      },
      ...exportedExactly(pinoOtel.exporter),
    },
  ];

  const close = async (): Promise<void> => {
    await Promise.all([weave.logging.shutdown(), raw.provider.shutdown(), pinoOtel.provider.shutdown()]);
  };
  return { cases, close };
}

/**
 * Issue 2 / issue 7, row 1: a kept INFO line with request id and trace id, through to an
 * in-process exporter that serializes OTLP protobuf, beside what users would pick instead.
 */
export async function keptInfoScenario(settings: BenchSettings): Promise<ScenarioReport> {
  const { cases, close } = keptInfoCases();
  const results = await runInterleaved(cases, {
    warmupRounds: settings.quick ? 1 : 4,
    rounds: settings.quick ? 3 : 20,
    opsPerSample: settings.quick ? 2000 : 20_000,
  });
  await close();

  const byName = new Map(results.map((r) => [r.name, r]));
  const weaveResult = byName.get(LOGWEAVE)!;
  const rows: ResultRow[] = results.map((result) => rowFor(result, weaveResult));
  const vsRaw = weaveResult.medianNs / byName.get(RAW_OTEL)!.medianNs;
  const vsPino = weaveResult.medianNs / byName.get(PINO_MIXIN)!.medianNs;
  const trustworthy = results.every((r) => r.problems.length === 0);
  return {
    title: 'Kept INFO with request id and trace id, drained (issues 2 and 7)',
    method:
      `Per sample every contender logs ${settings.quick ? 2000 : 20_000} lines inside one request ` +
      `(${RECORDS_PER_TURN} per event-loop turn) and then drains (forceFlush / stream drain); the OTel ` +
      'pipelines end in an in-process exporter that serializes OTLP protobuf with the official ' +
      'ProtobufLogsSerializer and the harness checks that every timed record was exported. Time per line.',
    rows,
    goals: [
      {
        goal: 'kept INFO ≤ 1.25× raw OTel',
        measured: `${vsRaw.toFixed(2)}×${trustworthy ? '' : ' (a contender lost records; see table)'}`,
        met: trustworthy ? vsRaw <= 1.25 : undefined,
      },
      {
        goal: 'kept INFO ≤ 1.0× pino with ALS mixin',
        measured: `${vsPino.toFixed(2)}×`,
        met: trustworthy ? vsPino <= 1.0 : undefined,
      },
    ],
  };
}

function rowFor(result: CaseResult, weave: CaseResult): ResultRow {
  const row: ResultRow = {
    name: result.name,
    value: `${formatNanoseconds(result.medianNs)}/line`,
    spread: formatSpread(result.spreadPercent),
  };
  if (result !== weave) row.ratio = formatRatio(weave.medianNs / result.medianNs, '(logweave ÷ this)');
  if (result.problems.length > 0) row.note = `INVALID: ${result.problems.slice(0, 2).join('; ')}`;
  return row;
}
