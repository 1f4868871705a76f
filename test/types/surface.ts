// The published surface: no `any`, and what is marked @internal is not there.
import {
  createLogging,
  DurableOtlpLogExporter,
  SamplingProcessor,
  type getRequestContext,
  type Logger,
  type Logging,
  type RequestContext,
  type StatsSnapshot,
} from 'logweave';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { AnyMembers, Equal, Expect } from './expect.ts';

export type LoggingHasNoAny = Expect<Equal<AnyMembers<Logging>, never>>;
export type LoggerHasNoAny = Expect<Equal<AnyMembers<Logger>, never>>;
export type RequestContextHasNoAny = Expect<Equal<AnyMembers<RequestContext>, never>>;
export type StatsHaveNoAny = Expect<Equal<AnyMembers<StatsSnapshot>, never>>;
export type ProcessorHasNoAny = Expect<Equal<AnyMembers<SamplingProcessor>, never>>;
export type ExporterHasNoAny = Expect<Equal<AnyMembers<DurableOtlpLogExporter>, never>>;
export type GetterReturnsContext = Expect<Equal<ReturnType<typeof getRequestContext>, RequestContext>>;

const logging = createLogging();
const log: Logger = logging.getLogger('payments');
log.info('charge created', { amount: 42 });
log.error('charge failed', new Error('declined'));

// @internal members are stripped from the published declarations.
// @ts-expect-error Logging.diagnostics is internal
void logging.diagnostics;
const exporter = new DurableOtlpLogExporter();
// @ts-expect-error DurableOtlpLogExporter.hurry is internal
void exporter.hurry;
// @ts-expect-error DurableOtlpLogExporter.keepAtExit is internal
void exporter.keepAtExit;
const sampling = new SamplingProcessor(
  new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() }),
);
// @ts-expect-error SamplingProcessor.facadeGate is internal
void sampling.facadeGate;
