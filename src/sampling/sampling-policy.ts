import type { SamplingOptions, SeverityProbabilities } from '../config/sampling-options.ts';
import { RELEASE_RULES, type ReleaseRule } from '../core/attribute-names.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { SEVERITY_NAMES } from '../core/severity.ts';
import {
  decisionsFor,
  type CompiledRule,
  type ProbabilityRule,
  type RuleKind,
  type ScopeRules,
} from './compiled-rule.ts';
import { probabilityToThreshold } from './consistent-threshold.ts';
import {
  compareSpecificity,
  matchesModule,
  moduleLineage,
  parseModulePattern,
  type ModulePattern,
} from './module-pattern.ts';
import type { RuleCounters } from './rule-counters.ts';

interface PatternEntry {
  readonly pattern: ModulePattern;
  readonly probabilities: SeverityProbabilities;
}

type ProbabilisticSeverity = keyof SeverityProbabilities;

/** Modules compiled per policy before the cache starts over (scope names are normally few). */
const MAX_CACHED_SCOPES = 10_000;

/**
 * A sampling configuration compiled once: the rules of a module are resolved the first time its
 * scope name is seen and cached, so deciding is a Map lookup and an array index. A reload builds
 * a new policy and swaps it in whole.
 */
export class SamplingPolicy {
  readonly #default: SeverityProbabilities;
  readonly #modules: PatternEntry[];
  readonly #allowlist: ModulePattern[];
  readonly #counters: RuleCounters;
  readonly #byScope = new Map<string, ScopeRules>();
  readonly #eventAllowlisted = new Map<string, boolean>();
  readonly #alwaysError: CompiledRule;
  readonly #alwaysFatal: CompiledRule;
  readonly #allowlistRule: CompiledRule;
  readonly #releaseRules: Readonly<Record<ReleaseRule, CompiledRule>>;
  #lastScope: object | undefined;
  #lastRules: ScopeRules | undefined;

  /** Whether a trace's sampled flag decides in place of probability rules (`sampling.traceBased`). */
  readonly traceBased: boolean;

  constructor(options: SamplingOptions, counters: RuleCounters) {
    this.#counters = counters;
    this.traceBased = options.traceBased === true;
    this.#default = options.default ?? {};
    this.#modules = Object.entries(options.modules ?? {}).map(([source, probabilities]) => ({
      pattern: parseModulePattern(source),
      probabilities,
    }));
    this.#allowlist = (options.warnAllowlist ?? []).map(parseModulePattern);
    this.#alwaysError = this.#rule('error', 1, false);
    this.#alwaysFatal = this.#rule('fatal', 1, false);
    this.#allowlistRule = this.#rule('warn_allowlist', 1, false);
    this.#releaseRules = {
      error_buffer: this.#rule(RELEASE_RULES.errorBuffer, 1, false),
      upstream_failure: this.#rule(RELEASE_RULES.upstreamFailure, 1, false),
      late_release: this.#rule(RELEASE_RULES.lateRelease, 1, false),
      forced: this.#rule(RELEASE_RULES.forced, 1, false),
    };
  }

  /**
   * The rules of a record's instrumentation scope. The SDK hands every record and `enabled()`
   * call of one Logger the same scope object, so the last one is remembered by identity: a
   * logger used in a loop skips even the Map lookup on the gate's path.
   */
  rulesForScope(scope: { readonly name: string }): ScopeRules {
    if (scope === this.#lastScope) return this.#lastRules as ScopeRules;
    const rules = this.rulesFor(scope.name);
    this.#lastScope = scope;
    this.#lastRules = rules;
    return rules;
  }

  /** The module names compiled so far (a reload compiles them again up front). */
  compiledScopes(): IterableIterator<string> {
    return this.#byScope.keys();
  }

  /** Compiles the rules of `scopeNames` now, so their first records after a reload find them ready. */
  precompile(scopeNames: Iterable<string>): void {
    for (const scopeName of scopeNames) this.rulesFor(scopeName);
  }

  /** The compiled rules of the module `scopeName`; compiled at first sight, then a lookup. */
  rulesFor(scopeName: string): ScopeRules {
    let rules = this.#byScope.get(scopeName);
    if (rules === undefined) {
      rules = this.#compileScope(scopeName);
      if (this.#byScope.size >= MAX_CACHED_SCOPES) this.#byScope.clear();
      this.#byScope.set(scopeName, rules);
    }
    return rules;
  }

  /** Whether a WARN record's event name is on the allow-list. */
  isEventAllowlisted(eventName: string): boolean {
    let allowed = this.#eventAllowlisted.get(eventName);
    if (allowed === undefined) {
      allowed = this.#allowlisted(eventName);
      if (this.#eventAllowlisted.size >= MAX_CACHED_SCOPES) this.#eventAllowlisted.clear();
      this.#eventAllowlisted.set(eventName, allowed);
    }
    return allowed;
  }

  /** The rule for allow-listed WARN records (kept, counted as `warn_allowlist`). */
  get allowlistRule(): CompiledRule {
    return this.#allowlistRule;
  }

  /** The rule of records kept after all, for one of the reasons of `RELEASE_RULES`. */
  releaseRule(rule: ReleaseRule): CompiledRule {
    return this.#releaseRules[rule];
  }

  #compileScope(scopeName: string): ScopeRules {
    const warnAllowlisted = this.#allowlisted(scopeName);
    const bySeverity: CompiledRule[] = [];
    for (const severity of SEVERITY_NAMES) {
      if (severity === 'error') bySeverity.push(this.#alwaysError);
      else if (severity === 'fatal') bySeverity.push(this.#alwaysFatal);
      else if (severity === 'warn' && warnAllowlisted) bySeverity.push(this.#allowlistRule);
      else {
        const { key, probability } = this.#resolve(scopeName, severity);
        bySeverity.push(this.#rule(`${key}.${severity}`, probability, severity === 'warn'));
      }
    }
    return { bySeverity, warnAllowlisted };
  }

  /**
   * Inheritance: walk from the module up through its parents; at each level an exact key wins,
   * then the most specific matching wildcard pattern; the first level that names the severity
   * decides. Nothing names it → `default`, then the built-in default.
   */
  #resolve(scopeName: string, severity: ProbabilisticSeverity): { key: string; probability: number } {
    for (const segments of moduleLineage(scopeName)) {
      let best: PatternEntry | undefined;
      for (const entry of this.#modules) {
        if (entry.probabilities[severity] === undefined || !matchesModule(entry.pattern, segments)) continue;
        if (best === undefined || compareSpecificity(entry.pattern, best.pattern) < 0) best = entry;
      }
      const probability = best?.probabilities[severity];
      if (best !== undefined && probability !== undefined) return { key: best.pattern.source, probability };
    }
    return { key: 'default', probability: this.#default[severity] ?? DEFAULTS.sampling.default[severity] };
  }

  #allowlisted(name: string): boolean {
    if (this.#allowlist.length === 0) return false;
    return moduleLineage(name).some((segments) =>
      this.#allowlist.some((pattern) => matchesModule(pattern, segments)),
    );
  }

  #rule(name: string, probability: number, isWarn: boolean): CompiledRule {
    const counter = this.#counters.get(name);
    // The decisions point back at their rule, so they are attached once the rule exists.
    const rule: { -readonly [K in keyof ProbabilityRule]?: ProbabilityRule[K] } = {
      name,
      probability,
      counter,
      isWarn,
    };
    if (probability >= 1) (rule as { kind: RuleKind }).kind = 'keep';
    else if (probability <= 0) (rule as { kind: RuleKind }).kind = 'drop';
    else {
      rule.kind = 'probability';
      rule.threshold = probabilityToThreshold(probability);
    }
    rule.decisions = decisionsFor(rule as CompiledRule);
    return rule as CompiledRule;
  }
}

/** Index into `ScopeRules.bySeverity` for an OTel severity number (unspecified counts as INFO). */
export function severityIndex(severityNumber: number | undefined): number {
  if (severityNumber === undefined || severityNumber < 1 || severityNumber > 24) return 2;
  return (severityNumber - 1) >> 2;
}

export type { CompiledRule, ScopeRules } from './compiled-rule.ts';
