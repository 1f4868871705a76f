import type { LoggingStats } from '../core/stats.ts';

/**
 * Hot-path counters of one rule name (`payments.info`). The sampling stage only increments plain
 * fields (a Map update per record would cost more than the whole drop decision); the counts move
 * into `LoggingStats` whenever stats or metrics are read.
 */
export class RuleCounter {
  readonly rule: string;
  kept = 0;
  sampledOut = 0;
  notAllowlisted = 0;

  constructor(rule: string) {
    this.rule = rule;
  }
}

/** Counters by rule name; they outlive reloads so totals never go backwards. */
export class RuleCounters {
  readonly #byRule = new Map<string, RuleCounter>();

  get(rule: string): RuleCounter {
    let counter = this.#byRule.get(rule);
    if (counter === undefined) {
      counter = new RuleCounter(rule);
      this.#byRule.set(rule, counter);
    }
    return counter;
  }

  /** Adds what was counted since the last drain to `stats` and zeroes the local counts. */
  drainInto(stats: LoggingStats): void {
    for (const counter of this.#byRule.values()) {
      if (counter.kept > 0) stats.recordKept(counter.rule, counter.kept);
      if (counter.sampledOut > 0) stats.recordDropped('sampled_out', counter.sampledOut);
      if (counter.notAllowlisted > 0) stats.recordDropped('not_allowlisted', counter.notAllowlisted);
      counter.kept = 0;
      counter.sampledOut = 0;
      counter.notAllowlisted = 0;
    }
  }
}
