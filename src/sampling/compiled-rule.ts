import type { Threshold } from './consistent-threshold.ts';
import type { RuleCounter } from './rule-counters.ts';

/** How a rule decides. `keep` and `drop` need no randomness. */
export type RuleKind = CompiledRule['kind'];

interface RuleBase {
  /** `payments.info`, `default.warn`, `error`, `warn_allowlist`. */
  readonly name: string;
  /** The configured keep-probability (1 for `keep`, 0 for `drop`). */
  readonly probability: number;
  readonly counter: RuleCounter;
  /** A WARN rule of a module that is not allow-listed: its drops count as `not_allowlisted` at p = 0. */
  readonly isWarn: boolean;
  /** The decisions this rule can produce, made once so that deciding allocates nothing. */
  readonly decisions: RuleDecisions;
}

/** A rule at p = 1 (and ERROR, FATAL, the allow-list). */
export interface KeepRule extends RuleBase {
  readonly kind: 'keep';
}

/** A rule at p = 0. */
export interface DropRule extends RuleBase {
  readonly kind: 'drop';
}

/** A rule at 0 < p < 1: OTel consistent probability sampling with `threshold`. */
export interface ProbabilityRule extends RuleBase {
  readonly kind: 'probability';
  readonly threshold: Threshold;
}

/** One decision of the policy: the rule that governs (module, severity). */
export type CompiledRule = KeepRule | DropRule | ProbabilityRule;

/** The six rules of one module (trace … fatal) and whether its WARN records are allow-listed. */
export interface ScopeRules {
  readonly bySeverity: readonly CompiledRule[];
  readonly warnAllowlisted: boolean;
}

/**
 * What the policy decided for one record. The processor acts on it and does nothing else:
 * - `keep`: hand the record on, counted under `rule` (then the burst limit may still suppress it);
 * - `drop`: counted under `rule` as `reason`;
 * - `hold`: the policy drops it, but its request may still fail: the error buffer holds it;
 * - `error`: ERROR or FATAL, always kept; the request's held records are released before it.
 */
export type SamplingDecision =
  | { readonly kind: 'keep'; readonly rule: CompiledRule }
  | { readonly kind: 'drop'; readonly rule: CompiledRule; readonly reason: 'sampled_out' | 'not_allowlisted' }
  | { readonly kind: 'hold'; readonly rule: CompiledRule }
  | { readonly kind: 'error'; readonly rule: CompiledRule };

/** Every decision a rule can lead to, made when the rule is compiled: deciding allocates nothing. */
export interface RuleDecisions {
  readonly keep: SamplingDecision;
  readonly drop: SamplingDecision;
  readonly hold: SamplingDecision;
  readonly error: SamplingDecision;
}

export function decisionsFor(rule: CompiledRule): RuleDecisions {
  const reason = rule.isWarn && rule.kind === 'drop' ? 'not_allowlisted' : 'sampled_out';
  return {
    keep: { kind: 'keep', rule },
    drop: { kind: 'drop', rule, reason },
    hold: { kind: 'hold', rule },
    error: { kind: 'error', rule },
  };
}
