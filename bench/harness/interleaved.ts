import { median, relativeSpread } from './statistics.ts';

/** One contender in an interleaved comparison. */
export interface BenchCase {
  readonly name: string;
  /**
   * Performs `ops` operations and drains whatever the logger buffered before it resolves, so
   * the time measured is the whole cost of the work (issue 7: a queue left full measures nothing).
   */
  run(ops: number): void | Promise<void>;
  /** Runs untimed right before each sample (e.g. to snapshot counters `verify` compares against). */
  before?(): void;
  /** Checks the sample just taken (e.g. every timed record was exported); returns a problem or undefined. */
  verify?(ops: number): string | undefined;
}

export interface InterleavePlan {
  /** Rounds run and discarded first, so every case is JIT-compiled and its pools are warm. */
  warmupRounds: number;
  rounds: number;
  /** Operations per sample for each case (defaults to `opsPerSample`). */
  opsPerSample: number;
  opsFor?: (caseName: string) => number;
}

export interface CaseResult {
  readonly name: string;
  /** Nanoseconds per operation, one value per measured round. */
  readonly samples: number[];
  /** Problems `verify` reported (a case with problems has no trustworthy number). */
  readonly problems: string[];
  readonly medianNs: number;
  readonly spreadPercent: number;
}

type GarbageCollector = () => void;

/*
 * A forced collection before each sample (when the runner has --expose-gc) stops one case's
 * garbage from being collected, and billed, inside the next case's sample. Each sample still
 * pays for the garbage it makes itself.
 */
const collectGarbage = (globalThis as { gc?: GarbageCollector }).gc;

/**
 * Runs every case once per round, rotating the starting case each round so that no contender
 * always runs first (or right after the same neighbour), then reports medians per case.
 * Peers therefore share one process, one JIT and one machine state, as issue 7 asks.
 */
export async function runInterleaved(
  cases: readonly BenchCase[],
  plan: InterleavePlan,
): Promise<CaseResult[]> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const problems = new Map<string, string[]>(cases.map((c) => [c.name, []]));
  const totalRounds = plan.warmupRounds + plan.rounds;
  for (let round = 0; round < totalRounds; round++) {
    for (let offset = 0; offset < cases.length; offset++) {
      const benchCase = cases[(round + offset) % cases.length]!;
      const ops = plan.opsFor?.(benchCase.name) ?? plan.opsPerSample;
      benchCase.before?.();
      collectGarbage?.();
      const started = process.hrtime.bigint();
      const pending = benchCase.run(ops);
      if (pending !== undefined) await pending;
      const elapsed = Number(process.hrtime.bigint() - started);
      const problem = benchCase.verify?.(ops);
      if (problem !== undefined) problems.get(benchCase.name)!.push(`round ${round + 1}: ${problem}`);
      if (round >= plan.warmupRounds) samples.get(benchCase.name)!.push(elapsed / ops);
    }
  }
  return cases.map((c) => {
    const values = samples.get(c.name)!;
    return {
      name: c.name,
      samples: values,
      problems: problems.get(c.name)!,
      medianNs: median(values),
      spreadPercent: relativeSpread(values),
    };
  });
}
