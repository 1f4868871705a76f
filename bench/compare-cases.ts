/**
 * The facade cases of bench/compare-trees.ts. That script imports this module once per tree
 * (with a different query string), so each tree's cases are separate functions with their own
 * inline caches: shared call sites would turn polymorphic and blur the comparison.
 */
import type * as Logweave from '../src/index.ts';
import { nextTurn } from './harness/event-loop.ts';
import type { BenchCase } from './harness/interleaved.ts';
import { SerializingExporter } from './harness/serializing-exporter.ts';
import { RECORDS_PER_TURN } from './harness/settings.ts';
import {
  callAttributes,
  MESSAGE,
  requestHeaders,
  TRACE_ID_KEPT,
  TRACE_ID_SAMPLED_OUT,
} from './peers/sample-record.ts';

export function casesFor(label: string, logweave: typeof Logweave): BenchCase[] {
  const exporter = new SerializingExporter();
  const logging = logweave.createLogging({
    serviceName: 'bench',
    exporter,
    handleSignals: false,
    env: {},
    diagnosticWriter: () => undefined,
    sampling: { default: { trace: 0, debug: 0, info: 0.1, warn: 0 } },
  });
  const log = logging.getLogger('bench.compare');
  // Each tree's own request context: another tree's AsyncLocalStorage is invisible to it.
  const { runWithRequestContext } = logweave;
  const kept = { headers: requestHeaders(TRACE_ID_KEPT) };
  const sampledOut = { headers: requestHeaders(TRACE_ID_SAMPLED_OUT) };
  return [
    {
      name: `${label}: kept INFO, drained`,
      run: async (ops) => {
        await runWithRequestContext(kept, async () => {
          for (let done = 0; done < ops; done += RECORDS_PER_TURN) {
            for (let i = 0; i < RECORDS_PER_TURN; i++) log.info(MESSAGE, callAttributes());
            await nextTurn();
          }
        });
        await logging.forceFlush();
      },
    },
    {
      name: `${label}: sampled-out INFO`,
      run: (ops) =>
        runWithRequestContext(sampledOut, () => {
          for (let i = 0; i < ops / 100; i++) {
            for (let j = 0; j < 100; j++) log.info(MESSAGE, callAttributes());
          }
        }),
    },
    {
      name: `${label}: disabled DEBUG`,
      run: (ops) =>
        runWithRequestContext(kept, () => {
          for (let i = 0; i < ops / 100; i++) {
            for (let j = 0; j < 100; j++) log.debug(MESSAGE, callAttributes());
          }
        }),
    },
  ];
}
