import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { BURST_ATTRIBUTES } from '../../src/core/attribute-names.ts';
import { LoggingStats } from '../../src/core/stats.ts';
import {
  BURST_MAX_SUMMARY_INTERVAL_MILLIS,
  BURST_MAX_TEMPLATES,
  BURST_QUIET_MILLIS,
  BurstLimiter,
} from '../../src/sampling/burst-limiter.ts';
import type { BurstSummaryRecord } from '../../src/sampling/burst-summary-record.ts';

const RESOURCE = resourceFromAttributes({ 'service.name': 'burst-test' });
const SCOPES = new Map<string, { name: string }>();
const scope = (name: string): { name: string } => {
  let found = SCOPES.get(name);
  if (found === undefined) SCOPES.set(name, (found = { name }));
  return found;
};

/** Just what the limiter reads of a record: scope, body or event name, severity, time. */
function record(
  body: unknown,
  options: { module?: string; eventName?: string; at?: HrTime } = {},
): ReadWriteLogRecord {
  return {
    body,
    eventName: options.eventName,
    instrumentationScope: scope(options.module ?? 'payments'),
    resource: RESOURCE,
    severityNumber: 9,
    severityText: 'INFO',
    hrTime: options.at ?? [1_700_000_000, 0],
  } as unknown as ReadWriteLogRecord;
}

/** A limiter on a clock the test moves by hand. */
function limiter(perTemplatePerSecond: number) {
  let now = 0;
  const stats = new LoggingStats();
  const summaries: BurstSummaryRecord[] = [];
  const burst = new BurstLimiter({
    perTemplatePerSecond,
    stats,
    emit: (summary) => summaries.push(summary),
    clock: () => now,
  });
  return {
    burst,
    stats,
    summaries,
    advance(millis: number) {
      now += millis;
    },
    /** How many of `count` records of one template pass now. */
    pass(count: number, body: unknown = 'retrying charge', options?: Parameters<typeof record>[1]): number {
      let passed = 0;
      for (let index = 0; index < count; index++) if (burst.allow(record(body, options))) passed++;
      return passed;
    },
  };
}

describe('BurstLimiter: a token bucket per module and template, on an injected clock', () => {
  test('the bucket starts full: exactly perTemplatePerSecond pass at once, the rest are counted', (t) => {
    const { burst, stats, pass } = limiter(50);
    t.after(() => burst.stop());
    assert.equal(pass(1000), 50);
    assert.equal(stats.droppedCount('burst'), 950);
  });

  test('tokens come back at the configured rate, never beyond a full bucket', (t) => {
    const { burst, advance, pass } = limiter(50);
    t.after(() => burst.stop());
    assert.equal(pass(50), 50);
    assert.equal(pass(1), 0, 'empty');
    advance(100);
    assert.equal(pass(100), 5, '50/s for 100 ms');
    advance(19);
    assert.equal(pass(1), 0, 'less than one token');
    advance(1);
    assert.equal(pass(1), 1, '20 ms is one token');
    advance(60_000);
    assert.equal(pass(1000), 50, 'a long pause refills one bucket, no more');
  });

  test('each (module, template) has its own bucket; the event name is the template of a non-text body', (t) => {
    const { burst, pass } = limiter(2);
    t.after(() => burst.stop());
    assert.equal(pass(5, 'a'), 2);
    assert.equal(pass(5, 'b'), 2);
    assert.equal(pass(5, 'a', { module: 'orders' }), 2);
    assert.equal(pass(5, { structured: true }, { eventName: 'job.done' }), 2);
    assert.equal(pass(5, { other: 'body' }, { eventName: 'job.done' }), 0, 'same event name, same bucket');
    // The first 256 characters identify the template.
    assert.equal(pass(1, `${'x'.repeat(256)}1`), 1);
    assert.equal(pass(1, `${'x'.repeat(256)}2`), 1);
    assert.equal(pass(1, `${'x'.repeat(256)}3`), 0);
  });

  test('a burst ends after a quiet second: one summary with the count, first and last timestamps', (t) => {
    const { burst, advance, summaries, stats } = limiter(1);
    t.after(() => burst.stop());
    assert.equal(burst.allow(record('polling', { at: [100, 0] })), true);
    assert.equal(burst.allow(record('polling', { at: [101, 5] })), false);
    advance(10);
    assert.equal(burst.allow(record('polling', { at: [102, 123_456_789] })), false);
    advance(BURST_QUIET_MILLIS - 1);
    burst.summarize(false);
    assert.equal(summaries.length, 0, 'not yet quiet for a second');
    advance(1);
    burst.summarize(false);
    assert.equal(summaries.length, 1);
    const [summary] = summaries;
    assert.equal(summary?.eventName, 'logweave.burst.summary');
    assert.equal(summary?.instrumentationScope, scope('payments'), 'the suppressed records’ own scope');
    assert.equal(summary?.resource, RESOURCE);
    assert.deepEqual(summary?.attributes, {
      [BURST_ATTRIBUTES.suppressedCount]: 2,
      [BURST_ATTRIBUTES.firstTimestamp]: '1970-01-01T00:01:41.000000005Z',
      [BURST_ATTRIBUTES.lastTimestamp]: '1970-01-01T00:01:42.123456789Z',
      [BURST_ATTRIBUTES.template]: 'polling',
      [BURST_ATTRIBUTES.limit]: 1,
    });
    assert.equal(summary?.body, '2 records like "polling" were suppressed (limit 1/s)');
    assert.equal(stats.droppedCount('burst'), 2);
    burst.summarize(false);
    assert.equal(summaries.length, 1, 'a burst is summarised once');
  });

  test('a flood that never pauses is still summarised every 10 s', (t) => {
    const { burst, advance, summaries, pass } = limiter(1);
    t.after(() => burst.stop());
    pass(1);
    let suppressed = 0;
    for (let elapsed = 0; elapsed < BURST_MAX_SUMMARY_INTERVAL_MILLIS; elapsed += 100) {
      suppressed += 10 - pass(10);
      advance(100);
      burst.summarize(false);
      if (summaries.length > 0) break;
    }
    assert.equal(summaries.length, 1, 'overdue after 10 s although the burst goes on');
    assert.equal(summaries[0]?.attributes[BURST_ATTRIBUTES.suppressedCount], suppressed);
  });

  test('summarize(true) (a flush) emits every pending summary at once', (t) => {
    const { burst, summaries, pass } = limiter(1);
    t.after(() => burst.stop());
    pass(3, 'a');
    pass(4, 'b');
    burst.summarize(true);
    assert.deepEqual(
      summaries.map((summary) => [
        summary.attributes[BURST_ATTRIBUTES.template],
        summary.attributes[BURST_ATTRIBUTES.suppressedCount],
      ]),
      [
        ['a', 2],
        ['b', 3],
      ],
    );
  });

  test('the interval timer emits ended bursts by itself (mocked interval, injected clock)', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { burst, advance, summaries, pass } = limiter(5);
    t.after(() => burst.stop());
    assert.equal(pass(50, 'polling'), 5);
    advance(BURST_QUIET_MILLIS);
    t.mock.timers.tick(BURST_QUIET_MILLIS / 2);
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]?.attributes[BURST_ATTRIBUTES.suppressedCount], 45);
  });

  test('a new limit applies to existing buckets', (t) => {
    const { burst, advance, pass } = limiter(1);
    t.after(() => burst.stop());
    pass(1);
    burst.perTemplatePerSecond = 10;
    advance(1000);
    assert.equal(pass(100), 10);
  });

  test(`past ${BURST_MAX_TEMPLATES} templates idle buckets are forgotten; with none idle, new templates pass unlimited`, (t) => {
    const { burst, advance, pass } = limiter(1);
    t.after(() => burst.stop());
    for (let index = 0; index < BURST_MAX_TEMPLATES; index++) pass(1, `template ${index}`);
    // Every bucket is empty (no idle one to forget): a new template is not limited.
    assert.equal(pass(5, 'one more'), 5);
    advance(1000);
    // Now every bucket has refilled: they are forgotten and the new template gets a bucket.
    assert.equal(pass(5, 'one more'), 1);
  });
});

describe('BurstSummaryRecord: a record the SDK and exporters can treat like any other', () => {
  test('its setters behave like the SDK record’s', (t) => {
    const { burst, summaries, pass } = limiter(1);
    t.after(() => burst.stop());
    pass(2);
    burst.summarize(true);
    const summary = summaries[0] as BurstSummaryRecord;
    assert.equal(summary.setAttribute('extra', 1), summary);
    summary.setAttribute('ignored', undefined);
    summary.setAttributes({ more: 'yes' });
    summary.setBody('replaced').setEventName('renamed').setSeverityNumber(13).setSeverityText('WARN');
    assert.equal(summary.attributes['extra'], 1);
    assert.equal('ignored' in summary.attributes, false);
    assert.equal(summary.attributes['more'], 'yes');
    assert.deepEqual(
      [summary.body, summary.eventName, summary.severityNumber, summary.severityText],
      ['replaced', 'renamed', 13, 'WARN'],
    );
    assert.equal(summary.droppedAttributesCount, 0);
  });
});
