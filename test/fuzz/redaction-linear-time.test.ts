import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { RedactionProcessor } from '../../src/pipeline/redaction-processor.ts';
import {
  alignedLimit,
  hostileShape,
  hostileText,
  NAMED_HOSTILE_SHAPES,
  type HostileShape,
} from './hostile-text.ts';
import { FUZZ_SEED } from './secret-corpus.ts';

/*
 * Redaction takes time linear in its input, whatever the input: a hostile string of 64 KiB (the
 * largest string body; attribute values may be configured as long) costs a few milliseconds, as
 * a harmless one does. Before the scanners, the card-number and JWT patterns and the cut-tail
 * check took seconds on the shapes below (quadratic: 4x the input, 16x the time).
 *
 * Not a tight timing test (the machine is shared): each shape is timed at 64 KiB and at about
 * 16 KiB (the same text with a quarter of the units: same start, same end or cut), and the 64 KiB
 * time must stay below GROWTH x the 16 KiB time plus SLACK_MS (linear code grows 4x, quadratic
 * 16x) and below CEILING_MS (100x away from the quadratic figures). Time is this thread's CPU
 * time, what the call blocks the event loop for: other processes on the machine stretch the wall
 * clock unevenly (a short call fits in one time slice, a longer one is preempted), not the CPU
 * time. Each time is the least of up to MAX_ATTEMPTS tries, stopping as soon as the bounds hold.
 */
const SMALL = 16_384;
const LARGE = 65_536;
const GROWTH = 8;
const SLACK_MS = 5;
// Under `npm run test:coverage` V8 counts every block and the same code runs several times
// slower: the ceiling is then 200 ms, still 25x away from the quadratic figures. GROWTH, the
// test of linearity itself, is the same in both runs.
const CEILING_MS = process.env['NODE_V8_COVERAGE'] === undefined ? 50 : 200;
const MAX_ATTEMPTS = 6;
const PROPERTY_RUNS = 200;

const noop: LogRecordProcessor = {
  onEmit: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * The redaction stage in a real SDK pipeline whose string limit is `limit`: a record carries the
 * text as its string body (cut at `limit` bytes) and as attributes (cut at `limit` characters by
 * the SDK), so the value patterns, the cut-tail check, the secret-key test and the replacement of
 * a secret value all see it. E-mails and extra keys are on, so every built-in pattern runs.
 */
function stage(limit: number): (text: string) => number {
  const processor = new RedactionProcessor(noop, {
    redactEmails: true,
    keys: ['ssn', 'session.key'],
    limits: { attributeValueLengthLimit: limit, maxBodyBytes: limit },
  });
  const logger = new LoggerProvider({
    processors: [processor],
    logRecordLimits: { attributeValueLengthLimit: limit },
  }).getLogger('linear-time');
  return (text) => {
    const start = process.cpuUsage();
    logger.emit({
      severityNumber: 9,
      body: text,
      attributes: {
        'user_agent.original': text,
        // A secret key's value (its auth scheme is kept), and the text as a key of a map.
        'http.request.header.authorization': text,
        'http.request.body': { [text]: 1 },
      },
    });
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
}

const stages = new Map<number, (text: string) => number>();
function stageFor(limit: number): (text: string) => number {
  let emit = stages.get(limit);
  if (emit === undefined) {
    emit = stage(limit);
    stages.set(limit, emit);
  }
  return emit;
}

/** Undefined when `shape` is redacted in linear time; otherwise what was measured. */
function superLinear(shape: HostileShape): string | undefined {
  const smallLimit = alignedLimit(shape, SMALL, LARGE);
  const small = stageFor(smallLimit);
  const large = stageFor(LARGE);
  const smallText = hostileText(shape, smallLimit);
  const largeText = hostileText(shape, LARGE);
  let smallMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    smallMs = Math.min(smallMs, small(smallText));
    largeMs = Math.min(largeMs, large(largeText));
    if (largeMs <= CEILING_MS && largeMs <= GROWTH * smallMs + SLACK_MS) return undefined;
    // Seconds twice over is the pattern, not a pause: do not spend minutes confirming it.
    if (attempt >= 2 && largeMs > 20 * CEILING_MS) break;
  }
  return (
    `${JSON.stringify(shape)}: ${largeMs.toFixed(1)} ms at 64 KiB, ${smallMs.toFixed(1)} ms at ${smallLimit} ` +
    `(linear allows <= ${GROWTH}x + ${SLACK_MS} ms and <= ${CEILING_MS} ms)`
  );
}

describe('redaction runs in linear time on hostile text', () => {
  for (const [name, shape] of Object.entries(NAMED_HOSTILE_SHAPES)) {
    test(name, () => {
      assert.equal(superLinear(shape), undefined);
    });
  }

  test(`${PROPERTY_RUNS} generated shapes: repeated separators, near-matches, cut points (fast-check)`, () => {
    fc.assert(
      fc.property(hostileShape, (shape) => {
        assert.equal(superLinear(shape), undefined);
      }),
      // A failing shape costs seconds per try: report the first one as found, without shrinking.
      { numRuns: PROPERTY_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
  });
});
