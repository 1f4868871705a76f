import { keeps } from './consistent-threshold.ts';
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
  /** Whether that request has failed already (its later records are kept as they come). */
  readonly requestFailed: boolean;
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
 * Order: ERROR/FATAL always; a rule at 1 keeps; a WARN whose event name is allow-listed keeps;
 * a probability rule keeps when R >= T; otherwise a record of a failed request is kept by the
 * error buffer's rule, a record of a live request is held, and anything else is dropped.
 */
export function decideSampling(
  policy: SamplingPolicy,
  facts: RecordFacts,
  randomness: () => Randomness,
): SamplingDecision {
  const rule = facts.rules.bySeverity[facts.severityIndex] as CompiledRule;
  if (facts.severityIndex >= ERROR_INDEX) return rule.decisions.error;
  if (rule.kind === 'keep') return rule.decisions.keep;
  if (rule.isWarn && facts.eventName !== undefined && policy.isEventAllowlisted(facts.eventName)) {
    return policy.allowlistRule.decisions.keep;
  }
  if (rule.kind === 'probability') {
    const { hi, lo } = randomness();
    if (keeps(rule.threshold, hi, lo)) return rule.decisions.keep;
  }
  if (facts.holdable)
    return facts.requestFailed ? policy.errorBufferRule.decisions.keep : rule.decisions.hold;
  return rule.decisions.drop;
}

export type { SamplingDecision } from './compiled-rule.ts';
