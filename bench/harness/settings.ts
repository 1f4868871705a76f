/** How long each scenario runs; `--quick` shrinks everything to a smoke test. */
export interface BenchSettings {
  quick: boolean;
}

/** Records each contender logs per event-loop turn in the kept-record benchmarks. */
export const RECORDS_PER_TURN = 100;
