import { isSpanContextValid, trace, type Context, type SpanContext } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { SamplingOptions } from '../config/sampling-options.ts';
import type { ProcessContext } from '../context/process-context.ts';
import { requestContextFrom, type RequestContext } from '../context/request-context.ts';
import {
  failureReasonOf,
  markRequestFailed,
  onRequestEnded,
  onRequestFailed,
  onTraceReleased,
  type FailureReason,
} from '../context/request-lifecycle.ts';
import {
  BURST_SUMMARY_RULE,
  RELEASE_RULES,
  REQUEST_ID_ATTRIBUTE,
  SAMPLING_ATTRIBUTES,
  UNSAMPLED_RULE,
  type ReleaseRule,
} from '../core/attribute-names.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { LoggingStats } from '../core/stats.ts';
import { BurstLimiter } from '../sampling/burst-limiter.ts';
import { writeExplicitRandomness } from '../sampling/randomness-attribute.ts';
import { ErrorBuffer, estimateRecordBytes, type HeldRecord } from '../sampling/error-buffer.ts';
import { ReleasedRecord } from '../sampling/released-record.ts';
import { RecordRandomness, type RandomnessSource } from '../sampling/record-randomness.ts';
import { RuleCounters, type RuleCounter } from '../sampling/rule-counters.ts';
import { decideSampling, type Randomness, type SamplingDecision } from '../sampling/sampling-decision.ts';
import { SamplingPolicy, severityIndex, type ScopeRules } from '../sampling/sampling-policy.ts';
import { ChainedProcessor, type EnabledOptions } from './chained-processor.ts';

/** Options of `SamplingProcessor`. */
export interface SamplingProcessorOptions {
  /** The policy (the `sampling` section). Default: none, every record is kept. */
  sampling?: SamplingOptions;
  /** Where kept/dropped counts go. Default: a stats object of its own. */
  stats?: LoggingStats;
  /** Reports faults (the stage never throws, and keeps the record). Default: one writing to stderr. */
  diagnostics?: DiagnosticReporter;
  /** The trace a parent process handed down: records outside any request and span use its randomness. */
  processContext?: ProcessContext;
  /** Milliseconds on a monotonic clock, for the burst limiter. Default: `performance.now`. */
  clock?: () => number;
  /**
   * Starts the pseudo-random sequence that decides records outside any trace and request: the
   * same seed and the same sequence of such records give the same decisions in every run.
   * `createLogging()` passes `samplingSeed` (default: the service name). Default here: `logweave`.
   */
  seed?: string;
}

/** The decision the gate made, kept for the `onEmit` of the same record (see `enabled`). */
interface GateDecision {
  scopeName: string | undefined;
  severityIndex: number;
  eventName: string | undefined;
  context: Context | undefined;
  decision: SamplingDecision | undefined;
  source: RandomnessSource | undefined;
  hi: number;
  lo: number;
  explicit: boolean;
}

/** The largest 56-bit randomness: kept by every threshold (stands in while a decision is deferred). */
const KEPT_BY_ANY_THRESHOLD: Randomness = { hi: 0xfffffff, lo: 0xfffffff };

/** Kept when the policy itself failed: failing open loses nothing. */
const FAIL_OPEN = 'fail_open';

/**
 * The sampling policy as a processor: ERROR/FATAL always; TRACE/DEBUG/INFO by probability; WARN
 * by allow-list, else probability; per-module rules with inheritance. A decision with a trace is
 * OTel's consistent probability decision on the trace's randomness, so every record of a request
 * and every service with the same rule decide alike. Records dropped inside a request can be held
 * and handed on if the request fails (error buffer); kept records can pass a burst limit.
 *
 * Each record is decided once, by `decideSampling`: `enabled()` (asked by the facade and again by
 * the SDK's `Logger.emit`) decides and remembers the decision for that (scope, severity, context);
 * `onEmit` of that record acts on it. So a record the policy drops for sure is never created, and
 * a random draw decides exactly one record. Without a policy every record is kept.
 *
 * @example
 * const sampling = new SamplingProcessor(new BatchLogRecordProcessor(exporter), {
 *   sampling: { default: { info: 0.1 }, warnAllowlist: ['payments'], errorBuffer: {} },
 * });
 */
export class SamplingProcessor extends ChainedProcessor {
  readonly stats: LoggingStats;
  readonly #counters = new RuleCounters();
  readonly #randomness: RecordRandomness;
  readonly #unsampled: RuleCounter;
  readonly #burstSummaries: RuleCounter;
  readonly #failOpen: RuleCounter;
  readonly #processSpanContext: SpanContext | undefined;
  readonly #diagnostics: DiagnosticReporter;
  readonly #clock: (() => number) | undefined;
  readonly #unsubscribe: Array<() => void>;
  readonly #gate: GateDecision = {
    scopeName: undefined,
    severityIndex: -1,
    eventName: undefined,
    context: undefined,
    decision: undefined,
    source: undefined,
    hi: 0,
    lo: 0,
    explicit: false,
  };
  #policy: SamplingPolicy | undefined;
  #buffer: ErrorBuffer | undefined;
  #burst: BurstLimiter | undefined;
  #shutDown = false;
  /** The Context the gate last looked into, and what it found there (see `#gateAllows`). */
  #gateContext: Context | undefined;
  #gateRequest: RequestContext | undefined;
  #gateSpanContext: SpanContext | undefined;

  constructor(next: LogRecordProcessor, options: SamplingProcessorOptions = {}) {
    super(next);
    this.stats = options.stats ?? new LoggingStats();
    this.#randomness = new RecordRandomness(options.seed ?? 'logweave');
    this.#processSpanContext = options.processContext?.spanContext;
    this.#diagnostics = options.diagnostics ?? new DiagnosticReporter();
    this.#clock = options.clock;
    this.#unsampled = this.#counters.get(UNSAMPLED_RULE);
    this.#burstSummaries = this.#counters.get(BURST_SUMMARY_RULE);
    this.#failOpen = this.#counters.get(FAIL_OPEN);
    this.updatePolicy(options.sampling);
    this.#unsubscribe = [
      onRequestFailed((request, reason) => this.#onRequestFailed(request, reason)),
      onRequestEnded((request) => this.#buffer?.end(request)),
      onTraceReleased((traceId) => this.#onTraceReleased(traceId)),
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
    this.#gate.decision = undefined;
  }

  /** Moves the hot-path counters into the stats; called before stats or metrics are read. */
  drainCounters(): void {
    this.#buffer?.expireNow();
    this.#counters.drainInto(this.stats);
    this.stats.setHeld(this.#buffer?.heldRecords ?? 0);
  }

  /**
   * The gate: false only when the policy drops the record for sure (the drop is counted here,
   * since no record follows). A true answer's decision is kept for the record's `onEmit`.
   */
  override enabled(options: EnabledOptions): boolean {
    const policy = this.#policy;
    // No severity means "is this logger enabled at all": not a question about one record.
    if (policy !== undefined && options.severityNumber !== undefined) {
      try {
        const { instrumentationScope, severityNumber, eventName, context } = options;
        const rules = policy.rulesForScope(instrumentationScope);
        if (
          !this.#gateAllows(
            policy,
            rules,
            instrumentationScope.name,
            severityNumber,
            eventName,
            context,
            false,
          )
        ) {
          return false;
        }
      } catch (error) {
        // The SDK calls this from Logger.emit for every log bridge; failing open loses nothing.
        this.#gate.decision = undefined;
        this.#diagnostics.reportError('SamplingProcessor.enabled', error);
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
        this.#diagnostics.reportError('SamplingProcessor.onEmit', error);
      }
      this.next.onEmit(logRecord, context);
      return;
    }
    const request = context === undefined ? undefined : requestContextFrom(context);
    let decision: SamplingDecision | undefined;
    try {
      decision = this.#decisionFor(policy, logRecord, context, request);
    } catch (error) {
      this.#diagnostics.reportError('SamplingProcessor.onEmit', error);
    }
    try {
      if (decision === undefined) {
        this.#failOpen.kept++;
        this.next.onEmit(logRecord, context);
      } else this.#act(decision, logRecord, context, request);
    } catch (error) {
      // Downstream faults are reported, and the record is not handed on a second time.
      this.#diagnostics.reportError('SamplingProcessor.onEmit', error);
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

  /**
   * @internal The facade's own gate for module `scopeName`. The facade knows what the SDK's
   * `enabled()` cannot: whether its record will carry a `request.id` attribute of its own. So a
   * record outside any request and trace, which the SDK's gate must let through (its attributes
   * may name a request), is decided here from the random sequence and costs no record when dropped.
   */
  facadeGate(
    scopeName: string,
  ): (severityNumber: number, context: Context, carriesRequestId: boolean) => boolean {
    let compiledFor: SamplingPolicy | undefined;
    let rules: ScopeRules | undefined;
    return (severityNumber, context, carriesRequestId) => {
      const policy = this.#policy;
      if (policy === undefined) return true;
      try {
        if (compiledFor !== policy) {
          rules = policy.rulesFor(scopeName);
          compiledFor = policy;
        }
        const scopeRules = rules as ScopeRules;
        return this.#gateAllows(
          policy,
          scopeRules,
          scopeName,
          severityNumber,
          undefined,
          context,
          !carriesRequestId,
        );
      } catch (error) {
        this.#gate.decision = undefined;
        this.#diagnostics.reportError('SamplingProcessor.facadeGate', error);
        return true;
      }
    };
  }

  /** Decides at the gate; true when the record must be created (the decision is then kept for it). */
  #gateAllows(
    policy: SamplingPolicy,
    rules: ScopeRules,
    scopeName: string,
    severityNumber: number | undefined,
    eventName: string | undefined,
    context: Context,
    randomSequenceDecides: boolean,
  ): boolean {
    const gate = this.#gate;
    const index = severityIndex(severityNumber);
    // The second gate of one record (the SDK's, after the facade's) finds its decision here.
    if (this.#gateDecided(scopeName, index, eventName, context)) return true;
    // Every record of a request is gated in the same Context object: what it holds is looked up
    // once (validating a span context reads 48 hex digits, most of a sampled-out record's cost).
    let request: RequestContext | undefined;
    let spanContext: SpanContext | undefined;
    if (context === this.#gateContext) {
      request = this.#gateRequest;
      spanContext = this.#gateSpanContext;
    } else {
      request = requestContextFrom(context);
      spanContext = this.#spanContextOf(context, request);
      this.#gateContext = context;
      this.#gateRequest = request;
      this.#gateSpanContext = spanContext;
    }
    const holdable = this.#buffer !== undefined && request !== undefined;
    // Outside any request and trace, a record's attributes may still name its request (the OTel
    // Logs API, bridges): a rule that needs randomness can only decide in onEmit then, unless the
    // record's emitter knows it carries no request id (the facade).
    const randomnessUnknown = spanContext === undefined && request === undefined && !randomSequenceDecides;
    let undecided = false;
    gate.source = undefined;
    const decision = decideSampling(
      policy,
      {
        rules,
        severityIndex: index,
        eventName,
        holdable,
        // Read by the policy only for a record it could hold.
        failure: holdable ? this.#failureOf(request as RequestContext) : undefined,
        forced: request?.forced === true,
        traceSampled: spanContext === undefined ? undefined : (spanContext.traceFlags & 1) === 1,
      },
      () => {
        if (!randomnessUnknown) return this.#readRandomness(spanContext, request);
        undecided = true;
        return KEPT_BY_ANY_THRESHOLD;
      },
    );
    if (undecided) {
      gate.decision = undefined;
      return true;
    }
    if (decision.kind === 'drop') {
      countDrop(decision);
      gate.decision = undefined;
      return false;
    }
    gate.decision = decision;
    gate.context = context;
    gate.scopeName = scopeName;
    gate.severityIndex = index;
    gate.eventName = eventName;
    return true;
  }

  #gateDecided(
    scopeName: string,
    index: number,
    eventName: string | undefined,
    context: Context | undefined,
  ): boolean {
    const gate = this.#gate;
    return (
      gate.decision !== undefined &&
      gate.context === context &&
      gate.scopeName === scopeName &&
      gate.severityIndex === index &&
      gate.eventName === eventName
    );
  }

  /** The gate's decision when it was about this record; otherwise a decision made now. */
  #decisionFor(
    policy: SamplingPolicy,
    record: ReadWriteLogRecord,
    context: Context | undefined,
    request: RequestContext | undefined,
  ): SamplingDecision {
    const gate = this.#gate;
    const index = severityIndex(record.severityNumber);
    const scopeName = record.instrumentationScope.name;
    if (this.#gateDecided(scopeName, index, record.eventName, context)) {
      const decision = gate.decision as SamplingDecision;
      gate.decision = undefined;
      return decision;
    }
    gate.decision = undefined;
    gate.source = undefined;
    const holdable = this.#buffer !== undefined && request !== undefined;
    return decideSampling(
      policy,
      {
        rules: policy.rulesForScope(record.instrumentationScope),
        severityIndex: index,
        eventName: record.eventName,
        holdable,
        // Read by the policy only for a record it could hold.
        failure: holdable ? this.#failureOf(request as RequestContext) : undefined,
        forced: request?.forced === true,
        traceSampled:
          record.spanContext === undefined ? undefined : (record.spanContext.traceFlags & 1) === 1,
      },
      () => this.#readRandomness(record.spanContext, request, record),
    );
  }

  #act(
    decision: SamplingDecision,
    record: ReadWriteLogRecord,
    context: Context | undefined,
    request: RequestContext | undefined,
  ): void {
    const rule = decision.rule;
    switch (decision.kind) {
      case 'error':
        // The request's story goes first, in order, then the error itself; no limit applies to either.
        // An ERROR fails its request (for every pipeline, and for the callers: see the integrations);
        // the listener releases what was held before the error itself is handed on.
        if (request !== undefined) markRequestFailed(request, 'failed');
        rule.counter.kept++;
        this.#writeRandomness(record, request);
        this.next.onEmit(record, context);
        return;
      case 'keep':
        if (rule.kind === 'probability') this.#writeSamplingAttributes(record, rule.name, rule.threshold);
        else if (isReleaseRule(rule.name)) record.setAttribute(SAMPLING_ATTRIBUTES.rule, rule.name);
        if (this.#burst !== undefined && !this.#burst.allow(record)) return;
        rule.counter.kept++;
        this.#writeRandomness(record, request);
        this.next.onEmit(record, context);
        return;
      case 'hold': {
        // Written now: a held record is read-only once onEmit returns (its release copies it).
        this.#writeRandomness(record, request);
        const held =
          request !== undefined &&
          this.#buffer?.hold(request, {
            record,
            context,
            bytes: estimateRecordBytes(record),
            counter: rule.counter,
            notAllowlisted: rule.isWarn && rule.kind === 'drop',
          }) === true;
        if (!held) countDrop(rule.decisions.drop);
        return;
      }
      case 'drop':
        countDrop(decision);
    }
  }

  #writeSamplingAttributes(
    record: ReadWriteLogRecord,
    ruleName: string,
    threshold: { tvalue: string },
  ): void {
    record.setAttribute(SAMPLING_ATTRIBUTES.threshold, threshold.tvalue);
    record.setAttribute(SAMPLING_ATTRIBUTES.rule, ruleName);
  }

  /**
   * `sampling.randomness` on a record passed on or held, when its randomness is not the trace
   * id's (an explicit `rv`, the request id's hash, the seeded sequence), so a Collector sampling
   * downstream decides from the same value. The decision's own reading is used when it made one;
   * otherwise it is read now (a record of the seeded sequence then draws its one value here).
   */
  #writeRandomness(record: ReadWriteLogRecord, request: RequestContext | undefined): void {
    const gate = this.#gate;
    if (gate.source === undefined) this.#readRandomness(record.spanContext, request, record);
    const source = gate.source as RandomnessSource | undefined;
    if (source === undefined || (source === 'trace' && !gate.explicit)) return;
    this.#randomness.hi = gate.hi;
    this.#randomness.lo = gate.lo;
    record.setAttribute(SAMPLING_ATTRIBUTES.randomness, this.#randomness.hex());
  }

  /**
   * The randomness of a record (see `RecordRandomness`), remembered with its source so that the
   * record can say where it came from when it was not the trace id.
   */
  #readRandomness(
    spanContext: SpanContext | undefined,
    request: RequestContext | undefined,
    record?: ReadWriteLogRecord,
  ): Randomness {
    const randomness = this.#randomness;
    let source: RandomnessSource;
    if (spanContext !== undefined && randomness.fromSpanContext(spanContext)) source = 'trace';
    else {
      const requestId = request?.requestId ?? record?.attributes[REQUEST_ID_ATTRIBUTE];
      if (typeof requestId === 'string') {
        randomness.fromRequestId(requestId);
        source = 'request';
      } else {
        randomness.fromRandomSequence();
        source = 'random';
      }
    }
    const gate = this.#gate;
    gate.source = source;
    gate.hi = randomness.hi;
    gate.lo = randomness.lo;
    gate.explicit = randomness.explicit;
    return randomness;
  }

  /** The span context the SDK will copy onto a record emitted in `context`. */
  #spanContextOf(context: Context, request: RequestContext | undefined): SpanContext | undefined {
    const spanContext = trace.getSpanContext(context);
    if (spanContext !== undefined && isSpanContextValid(spanContext)) return spanContext;
    // RequestContextProcessor gives a record outside any request and span the parent process's trace.
    return request === undefined ? this.#processSpanContext : undefined;
  }

  /** The rule the later records of a failed request are kept under; undefined while it has not failed. */
  #failureOf(request: RequestContext): ReleaseRule | undefined {
    const reason = failureReasonOf(request);
    if (reason !== undefined) return releaseRuleOf(reason);
    return this.#buffer?.isFailed(request) === true ? RELEASE_RULES.errorBuffer : undefined;
  }

  /** Hands on what was held for `request`, oldest first, each saying why it is kept after all. */
  #release(request: RequestContext, reason: FailureReason): void {
    const buffer = this.#buffer;
    const policy = this.#policy;
    if (buffer === undefined || policy === undefined) return;
    const { records, ended } = buffer.fail(request);
    this.#handOnHeld(policy, records, ended ? RELEASE_RULES.lateRelease : releaseRuleOf(reason));
  }

  #handOnHeld(policy: SamplingPolicy, held: readonly HeldRecord[], ruleName: ReleaseRule): void {
    if (held.length === 0) return;
    const rule = policy.releaseRule(ruleName);
    for (const { record, context } of held) {
      rule.counter.kept++;
      this.next.onEmit(new ReleasedRecord(record, ruleName), context);
    }
  }

  #onRequestFailed(request: RequestContext, reason: FailureReason): void {
    if (this.#shutDown || this.#buffer === undefined) return;
    try {
      this.#release(request, reason);
    } catch (error) {
      this.#diagnostics.reportError('SamplingProcessor.markRequestFailed', error);
    }
  }

  #onTraceReleased(traceId: string): void {
    const buffer = this.#buffer;
    const policy = this.#policy;
    if (this.#shutDown || buffer === undefined || policy === undefined) return;
    try {
      const { live, ended } = buffer.releaseTrace(traceId);
      this.#handOnHeld(policy, live, RELEASE_RULES.upstreamFailure);
      this.#handOnHeld(policy, ended, RELEASE_RULES.lateRelease);
    } catch (error) {
      this.#diagnostics.reportError('SamplingProcessor.releaseTrace', error);
    }
  }

  #configureBuffer(options: SamplingOptions | undefined): void {
    const configured = options?.errorBuffer;
    const limits = { ...DEFAULTS.sampling.errorBuffer, ...withoutUndefined(configured ?? {}) };
    if (configured === undefined || limits.maxRecords === 0) {
      this.#buffer?.clear();
      this.#buffer = undefined;
      return;
    }
    if (this.#buffer === undefined) this.#buffer = new ErrorBuffer(limits, this.stats);
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
    const perSecond = configured.perTemplatePerSecond ?? DEFAULTS.sampling.burst.perTemplatePerSecond;
    if (this.#burst === undefined) {
      this.#burst = new BurstLimiter({
        perTemplatePerSecond: perSecond,
        stats: this.stats,
        emit: (summary) => {
          this.#burstSummaries.kept++;
          this.next.onEmit(summary);
        },
        ...(this.#clock === undefined ? {} : { clock: this.#clock }),
      });
    } else {
      this.#burst.perTemplatePerSecond = perSecond;
    }
  }
}

function releaseRuleOf(reason: FailureReason): ReleaseRule {
  return reason === 'upstream_failure' ? RELEASE_RULES.upstreamFailure : RELEASE_RULES.errorBuffer;
}

const RELEASE_RULE_NAMES: ReadonlySet<string> = new Set(Object.values(RELEASE_RULES));

function isReleaseRule(name: string): name is ReleaseRule {
  return RELEASE_RULE_NAMES.has(name);
}

function countDrop(decision: SamplingDecision): void {
  if (decision.kind !== 'drop') return;
  if (decision.reason === 'not_allowlisted') decision.rule.counter.notAllowlisted++;
  else decision.rule.counter.sampledOut++;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
