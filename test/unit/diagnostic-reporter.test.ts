import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiagnosticReporter } from '../../src/index.ts';

describe('DiagnosticReporter: one line per reason per interval', () => {
  test('the first report of a reason is written at once, repeats within the interval are counted', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const lines: string[] = [];
    const reporter = new DiagnosticReporter({ intervalMillis: 1000, write: (line) => lines.push(line) });
    reporter.report('queue_full', 'first');
    reporter.report('queue_full', 'second');
    reporter.report('queue_full', 'third');
    reporter.report('export_failed', 'another reason has its own interval');
    t.mock.timers.tick(999);
    reporter.report('queue_full', 'still too soon');
    t.mock.timers.tick(1);
    reporter.report('queue_full', 'after the interval');
    reporter.report('queue_full', 'too soon again');
    t.mock.timers.tick(1000);
    reporter.report('queue_full', 'nothing suppressed since the last line');
    assert.deepEqual(lines, [
      'logweave: [queue_full] first',
      'logweave: [export_failed] another reason has its own interval',
      'logweave: [queue_full] after the interval (3 similar reports suppressed)',
      'logweave: [queue_full] nothing suppressed since the last line (1 similar reports suppressed)',
    ]);
  });

  test('an interval of 0 writes every report', () => {
    const lines: string[] = [];
    const reporter = new DiagnosticReporter({ intervalMillis: 0, write: (line) => lines.push(line) });
    for (let index = 0; index < 3; index++) reporter.report('r', `line ${index}`);
    assert.equal(lines.length, 3);
  });

  test('reportError names where it failed, under internal_error, for errors and for anything thrown', () => {
    const lines: string[] = [];
    const reporter = new DiagnosticReporter({ intervalMillis: 0, write: (line) => lines.push(line) });
    reporter.reportError('SamplingProcessor.onEmit', new TypeError('boom'));
    reporter.reportError('RedactionProcessor.onEmit', 'a string was thrown');
    assert.deepEqual(lines, [
      'logweave: [internal_error] SamplingProcessor.onEmit failed: boom',
      'logweave: [internal_error] RedactionProcessor.onEmit failed: a string was thrown',
    ]);
  });

  test('a writer that throws never throws into the caller', () => {
    const reporter = new DiagnosticReporter({
      write: () => {
        throw new Error('stderr is gone');
      },
    });
    assert.doesNotThrow(() => reporter.report('r', 'message'));
  });

  test('by default it writes one line to stderr', (t) => {
    const write = t.mock.method(process.stderr, 'write', () => true);
    new DiagnosticReporter().report('r', 'to stderr');
    assert.deepEqual(
      write.mock.calls.map((call) => call.arguments[0]),
      ['logweave: [r] to stderr\n'],
    );
  });
});
