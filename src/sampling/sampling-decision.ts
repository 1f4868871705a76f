import { keeps } from './consistent-threshold.ts';
import type { ReleaseRule } from '../core/attribute-names.ts';
import type { CompiledRule, SamplingDecision, ScopeRules } from './compiled-rule.ts';
import type { SamplingPolicy } from './sampling-policy.ts';

/** What is known about a record before (or without) building it: enough to decide. */
export interface RecordFacts {
  readonly rules: ScopeRules;
  /** 0 trace … 5 fatal (`severityIndex`). */
  readonly severityIndex: number;
  readonly eventName: string | undefined;
  /** Whether the record belongs to a request whose held records the error buffer could release. */
  readonly holdable: boolean;
  /** Why that request failed, when it has (its later records are kept as they come, under that rule). */
  readonly failure: ReleaseRule | undefined;
  /** The request carries a valid keep token: everything is kept. */
  readonly forced: boolean;
  /** The sampled flag of the record's trace; undefined outside any trace. */
  readonly traceSampled: boolean | undefined;
}

/** 56-bit randomness as two 28-bit halves (see `consistent-threshold.ts`). */
export interface Randomness {
  readonly hi: number;
  readonly lo: number;
}

/** Index of ERROR in `ScopeRules.bySeverity`; ERROR and FATAL are never sampled. */
const ERROR_INDEX = 4;

/**
 * The sampling policy as one pure function: the same facts and randomness always give the same
 * decision, and nothing is counted or changed here. `randomness` is read only by probability
 * rules (the other rules need none, and reading it costs a context lookup).
 *
 * Order: ERROR/FATAL always; a request with a keep token keeps everything; a rule at 1 keeps; a WARN whose event name is allow-listed keeps;
 * a probability rule keeps when R >= T; otherwise a record of a failed request is kept under the
 * rule of its failure, a record of a live request is held, and anything else is dropped.
 */
export function decideSampling(
  policy: SamplingPolicy,
  facts: RecordFacts,
  randomness: () => Randomness,
): SamplingDecision {
  const rule = facts.rules.bySeverity[facts.severityIndex] as CompiledRule;
  if (facts.severityIndex >= ERROR_INDEX) return rule.decisions.error;
  if (facts.forced) return policy.releaseRule('forced').decisions.keep;
  if (rule.kind === 'keep') return rule.decisions.keep;
  if (rule.isWarn && facts.eventName !== undefined && policy.isEventAllowlisted(facts.eventName)) {
    return policy.allowlistRule.decisions.keep;
  }
  if (rule.kind === 'probability') {
    // Trace-based (the OTel logger option): the tracer's decision stands in for the draw.
    if (policy.traceBased && facts.traceSampled !== undefined) {
      if (facts.traceSampled) return rule.decisions.keep;
    } else {
      const { hi, lo } = randomness();
      if (keeps(rule.threshold, hi, lo)) return rule.decisions.keep;
    }
  }
  if (facts.holdable) {
    return facts.failure === undefined
      ? rule.decisions.hold
      : policy.releaseRule(facts.failure).decisions.keep;
  }
  return rule.decisions.drop;
}

export type { SamplingDecision } from './compiled-rule.ts';
