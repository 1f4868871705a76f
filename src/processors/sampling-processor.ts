import { trace, type Context, type SpanContext } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { SamplingOptions } from '../config/sampling-options.ts';
import { requestContextFrom, type RequestContext } from '../context/request-context.ts';
import { isRequestFailed, onRequestEnded, onRequestFailed } from '../context/request-lifecycle.ts';
import { BurstLimiter } from '../sampling/burst-limiter.ts';
import { keeps } from '../sampling/consistent-threshold.ts';
import { ErrorBuffer, estimateRecordBytes, type ErrorBufferLimits } from '../sampling/error-buffer.ts';
import { writeExplicitRandomness, writeRandomness } from '../sampling/randomness-attribute.ts';
import { RecordRandomness, type RandomnessSource } from '../sampling/record-randomness.ts';
import { RuleCounters, type RuleCounter } from '../sampling/rule-counters.ts';
import {
  BURST_SUMMARY_RULE,
  ERROR_BUFFER_RULE,
  SAMPLING_ATTRIBUTES,
  UNSAMPLED_RULE,
} from '../sampling/sampling-attributes.ts';
import {
  SamplingPolicy,
  severityIndex,
  type CompiledRule,
  type ScopeRules,
} from '../sampling/sampling-policy.ts';
import { ChainedProcessor, type EnabledOptions } from './chained-processor.ts';
import { REQUEST_ID_ATTRIBUTE } from './context-processor.ts';
import type { LoggingStats } from './logging-stats.ts';

/** Defaults of `sampling.errorBuffer` and `sampling.burst`, stated once (see their JSDoc). */
export const SAMPLING_DEFAULTS = {
  errorBufferMaxRecords: 200,
  errorBufferMaxBytes: 256 * 1024,
  errorBufferMaxTotalBytes: 16 * 1024 * 1024,
  errorBufferMaxAgeMillis: 300_000,
  burstPerTemplatePerSecond: 100,
} as const;

/** Index of ERROR in `ScopeRules.bySeverity`; ERROR and FATAL are never sampled. */
const ERROR_INDEX = 4;

/** Collaborators of the sampling stage that `createLogging()` provides. */
export interface SamplingProcessorSettings {
  /** The trace a parent process handed down; records outside any request and span use its randomness. */
  processSpanContext?: SpanContext;
  /** Reports a fault inside the stage (the record is then kept: failing open loses nothing). */
  reportError?: (where: string, error: unknown) => void;
  /**
   * Starts the pseudo-random sequence that decides records outside any trace and request: the
   * same seed and the same sequence of such records give the same decisions in every run.
   * `createLogging()` passes `samplingSeed` (default: the service name). Default here: `''`.
   */
  seed?: string;
}

/**
 * The sampling policy as a processor: ERROR/FATAL always; TRACE/DEBUG/INFO by probability; WARN
 * by allow-list, else probability; per-module rules with inheritance. A decision with a trace is
 * OTel's consistent probability decision on the trace's randomness, so every record of a request
 * and every service with the same rule decide alike. Records dropped inside a request can be held
 * and handed on if the request fails (error buffer); kept records can pass a burst limit.
 *
 * `enabled()` answers from the same compiled rules, so the SDK and the facade skip creating a
 * record the policy drops for sure (with a trace, or at p = 0, and no error buffer waiting for it).
 * Without a sampling configuration every record is kept.
 */
export class SamplingProcessor extends ChainedProcessor {
  readonly #stats: LoggingStats;
  readonly #counters = new RuleCounters();
  readonly #randomness: RecordRandomness;
  readonly #unsampled: RuleCounter;
  readonly #errorBufferKept: RuleCounter;
  readonly #burstSummaries: RuleCounter;
  readonly #processSpanContext: SpanContext | undefined;
  readonly #reportError: (where: string, error: unknown) => void;
  readonly #unsubscribe: Array<() => void>;
  #policy: SamplingPolicy | undefined;
  #buffer: ErrorBuffer | undefined;
  #burst: BurstLimiter | undefined;
  #shutDown = false;
  #handedOn = false;
  #lastContext: Context | undefined;
  #lastContextSource: RandomnessSource = 'random';
  #lastContextHi = 0;
  #lastContextLo = 0;
  #lastContextExplicit = false;

  constructor(
    next: LogRecordProcessor,
    options: SamplingOptions | undefined,
    stats: LoggingStats,
    settings: SamplingProcessorSettings = {},
  ) {
    super(next);
    this.#stats = stats;
    this.#processSpanContext = settings.processSpanContext;
    this.#randomness = new RecordRandomness(settings.seed ?? '');
    this.#reportError = settings.reportError ?? (() => undefined);
    this.#unsampled = this.#counters.get(UNSAMPLED_RULE);
    this.#errorBufferKept = this.#counters.get(ERROR_BUFFER_RULE);
    this.#burstSummaries = this.#counters.get(BURST_SUMMARY_RULE);
    this.updatePolicy(options);
    this.#unsubscribe = [
      onRequestFailed((request) => this.#onRequestFailed(request)),
      onRequestEnded((request) => this.#buffer?.end(request)),
    ];
  }

  /**
   * Swaps in a new policy (a reload). JavaScript runs one record at a time, so every record is
   * decided wholly under the old policy or wholly under the new one; held records and burst
   * buckets carry over. Throws `RangeError` only for probabilities the schema already rejects.
   */
  updatePolicy(options: SamplingOptions | undefined): void {
    const policy = options === undefined ? undefined : new SamplingPolicy(options, this.#counters);
    if (policy !== undefined && this.#policy !== undefined) policy.precompile(this.#policy.compiledScopes());
    this.#configureBuffer(options);
    this.#configureBurst(options);
    this.#policy = policy;
  }

  /** Moves the hot-path counters into `LoggingStats`; called before stats or metrics are read. */
  drainCounters(): void {
    this.#counters.drainInto(this.#stats);
  }

  override enabled(options: EnabledOptions): boolean {
    const policy = this.#policy;
    // No severity means "is this logger enabled at all": not a question about one record.
    if (policy !== undefined && options.severityNumber !== undefined) {
      try {
        const scope = policy.rulesForScope(options.instrumentationScope);
        const rule = scope.bySeverity[severityIndex(options.severityNumber)] as CompiledRule;
        if (rule.kind !== 'keep' && !this.#mayKeep(policy, rule, options)) return false;
      } catch (error) {
        // The SDK calls this from Logger.emit for every log bridge; failing open loses nothing.
        this.#reportError('SamplingProcessor.enabled', error);
      }
    }
    return this.next.enabled === undefined || this.next.enabled(options);
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    const policy = this.#policy;
    if (policy === undefined) {
      this.#unsampled.kept++;
      try {
        // Nothing is sampled here, but a Collector downstream may sample: it needs a trace's rv.
        writeExplicitRandomness(logRecord, this.#randomness);
      } catch (error) {
        this.#reportError('SamplingProcessor.onEmit', error);
      }
      this.next.onEmit(logRecord, context);
      return;
    }
    this.#handedOn = false;
    try {
      this.#decide(policy, logRecord, context);
    } catch (error) {
      this.#reportError('SamplingProcessor.onEmit', error);
      // A fault in the policy must not lose the record; one downstream must not duplicate it.
      if (this.#handedOn) return;
      this.#unsampled.kept++;
      try {
        this.next.onEmit(logRecord, context);
      } catch {
        // Reported above; onEmit never throws into the application.
      }
    }
  }

  override forceFlush(): Promise<void> {
    this.#burst?.summarize(true);
    return this.next.forceFlush();
  }

  override shutdown(): Promise<void> {
    if (!this.#shutDown) {
      this.#shutDown = true;
      for (const unsubscribe of this.#unsubscribe) unsubscribe();
      this.#burst?.summarize(true);
      this.#burst?.stop();
      this.#buffer?.clear();
      this.drainCounters();
    }
    return this.next.shutdown();
  }

  /** The gate: false only when the record would certainly be dropped and nothing waits for it. */
  #mayKeep(policy: SamplingPolicy, rule: CompiledRule, options: EnabledOptions): boolean {
    if (rule.isWarn && options.eventName !== undefined && policy.isEventAllowlisted(options.eventName)) {
      return true;
    }
    const context = options.context;
    // Inside a request the error buffer may need the record even when sampling drops it.
    if (this.#buffer !== undefined && requestContextFrom(context) !== undefined) return true;
    if (rule.kind === 'drop') {
      countDrop(rule);
      return false;
    }
    const source = this.#randomnessOfContext(context);
    if (keeps(rule.threshold!, this.#randomness.hi, this.#randomness.lo)) return true;
    // A random draw that dropped a record is spent; one that kept it is spent by onEmit.
    if (source === 'random') this.#randomness.advance();
    countDrop(rule);
    return false;
  }

  #decide(policy: SamplingPolicy, record: ReadWriteLogRecord, context: Context | undefined): void {
    const scope: ScopeRules = policy.rulesForScope(record.instrumentationScope);
    const index = severityIndex(record.severityNumber);
    const rule = scope.bySeverity[index] as CompiledRule;
    const request = context === undefined ? undefined : requestContextFrom(context);
    // Loaded for every record, whatever decides it: what is passed on or held carries it (below).
    // A draw of the sequence is spent here, once per record; hi/lo keep the value drawn.
    const source = this.#randomnessOfRecord(record, request);
    const randomness = this.#randomness;
    if (source === 'random') randomness.advance();
    if (index >= ERROR_INDEX) {
      // The request's story goes first, in order, then the error itself; no limit applies to either.
      if (request !== undefined && this.#buffer !== undefined) this.#flush(request);
      rule.counter.kept++;
      writeRandomness(record, randomness, source);
      this.#handOn(record, context);
      return;
    }
    if (rule.kind === 'keep') {
      this.#pass(record, context, rule, source);
      return;
    }
    if (rule.isWarn && record.eventName !== undefined && policy.isEventAllowlisted(record.eventName)) {
      this.#pass(record, context, policy.allowlistRule, source);
      return;
    }
    if (rule.kind === 'probability' && keeps(rule.threshold!, randomness.hi, randomness.lo)) {
      record.setAttribute(SAMPLING_ATTRIBUTES.threshold, rule.threshold!.tvalue);
      record.setAttribute(SAMPLING_ATTRIBUTES.rule, rule.name);
      this.#pass(record, context, rule, source);
      return;
    }
    const buffer = this.#buffer;
    if (request !== undefined && buffer !== undefined) {
      // Records become read-only when onEmit returns: why a held record was kept is written now.
      record.setAttribute(SAMPLING_ATTRIBUTES.rule, ERROR_BUFFER_RULE);
      writeRandomness(record, randomness, source);
      if (buffer.isFailed(request) || isRequestFailed(request)) {
        // The request already failed: the rest of its story is kept as it happens.
        this.#errorBufferKept.kept++;
        this.#handOn(record, context);
        return;
      }
      const held = buffer.hold(request, {
        record,
        context,
        bytes: estimateRecordBytes(record),
        counter: rule.counter,
        notAllowlisted: isNotAllowlistedDrop(rule),
      });
      if (held) return;
    }
    countDrop(rule);
  }

  #pass(
    record: ReadWriteLogRecord,
    context: Context | undefined,
    rule: CompiledRule,
    source: RandomnessSource,
  ): void {
    if (this.#burst !== undefined && !this.#burst.allow(record)) return;
    rule.counter.kept++;
    writeRandomness(record, this.#randomness, source);
    this.#handOn(record, context);
  }

  /** Passes the record being decided downstream (and notes it, for the fault path in onEmit). */
  #handOn(record: ReadWriteLogRecord, context: Context | undefined): void {
    this.#handedOn = true;
    this.next.onEmit(record, context);
  }

  #flush(request: RequestContext): void {
    const held = this.#buffer?.fail(request) ?? [];
    for (const { record, context } of held) {
      this.#errorBufferKept.kept++;
      this.next.onEmit(record, context);
    }
  }

  #onRequestFailed(request: RequestContext): void {
    if (this.#shutDown || this.#buffer === undefined) return;
    try {
      this.#flush(request);
    } catch (error) {
      this.#reportError('SamplingProcessor.markRequestFailed', error);
    }
  }

  /**
   * The randomness `enabled()` sees for a context. Contexts are immutable and every call inside
   * one request or span passes the same context object, so the last answer is remembered by
   * identity: the gate then costs a comparison instead of two context lookups.
   */
  #randomnessOfContext(context: Context): RandomnessSource {
    const randomness = this.#randomness;
    if (context === this.#lastContext) {
      if (this.#lastContextSource === 'random') randomness.peekRandom();
      else {
        randomness.hi = this.#lastContextHi;
        randomness.lo = this.#lastContextLo;
        randomness.explicit = this.#lastContextExplicit;
      }
      return this.#lastContextSource;
    }
    const source = this.#readRandomnessOfContext(context);
    this.#lastContext = context;
    this.#lastContextSource = source;
    this.#lastContextHi = randomness.hi;
    this.#lastContextLo = randomness.lo;
    this.#lastContextExplicit = randomness.explicit;
    return source;
  }

  #readRandomnessOfContext(context: Context): RandomnessSource {
    const spanContext = trace.getSpanContext(context);
    if (spanContext !== undefined && this.#randomness.fromSpanContext(spanContext)) return 'trace';
    const request = requestContextFrom(context);
    // ContextProcessor gives a record outside any request and span the parent process's trace.
    if (request === undefined && this.#processSpanContext !== undefined) {
      if (this.#randomness.fromSpanContext(this.#processSpanContext)) return 'trace';
    }
    if (request !== undefined) {
      this.#randomness.fromRequestId(request.requestId);
      return 'request';
    }
    this.#randomness.peekRandom();
    return 'random';
  }

  #randomnessOfRecord(record: ReadWriteLogRecord, request: RequestContext | undefined): RandomnessSource {
    const spanContext = record.spanContext;
    if (spanContext !== undefined && this.#randomness.fromSpanContext(spanContext)) return 'trace';
    const requestId = request?.requestId ?? record.attributes[REQUEST_ID_ATTRIBUTE];
    if (typeof requestId === 'string') {
      this.#randomness.fromRequestId(requestId);
      return 'request';
    }
    this.#randomness.peekRandom();
    return 'random';
  }

  #configureBuffer(options: SamplingOptions | undefined): void {
    const configured = options?.errorBuffer;
    const maxRecords = configured?.maxRecords ?? SAMPLING_DEFAULTS.errorBufferMaxRecords;
    if (configured === undefined || maxRecords === 0) {
      this.#buffer?.clear();
      this.#buffer = undefined;
      return;
    }
    const limits: ErrorBufferLimits = {
      maxRecords,
      maxBytes: configured.maxBytes ?? SAMPLING_DEFAULTS.errorBufferMaxBytes,
      maxTotalBytes: configured.maxTotalBytes ?? SAMPLING_DEFAULTS.errorBufferMaxTotalBytes,
      maxAgeMillis: configured.maxAgeMillis ?? SAMPLING_DEFAULTS.errorBufferMaxAgeMillis,
    };
    if (this.#buffer === undefined) this.#buffer = new ErrorBuffer(limits, this.#stats);
    else this.#buffer.limits = limits;
  }

  #configureBurst(options: SamplingOptions | undefined): void {
    const configured = options?.burst;
    if (configured === undefined) {
      this.#burst?.summarize(true);
      this.#burst?.stop();
      this.#burst = undefined;
      return;
    }
    const perSecond = configured.perTemplatePerSecond ?? SAMPLING_DEFAULTS.burstPerTemplatePerSecond;
    if (this.#burst === undefined) {
      this.#burst = new BurstLimiter(perSecond, this.#stats, (summary) => {
        this.#burstSummaries.kept++;
        this.next.onEmit(summary);
      });
    } else {
      this.#burst.perTemplatePerSecond = perSecond;
    }
  }
}

function isNotAllowlistedDrop(rule: CompiledRule): boolean {
  return rule.isWarn && rule.kind === 'drop';
}

function countDrop(rule: CompiledRule): void {
  if (isNotAllowlistedDrop(rule)) rule.counter.notAllowlisted++;
  else rule.counter.sampledOut++;
}
