import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { MAX_RETRIES, retryBackoffMillis, sleep } from '../../src/exporters/retry-schedule.ts';

describe('retry backoff: the official OTLP exporter’s schedule', () => {
  test('5 retries; 1 s growing by 1.5 up to 5 s, before jitter', () => {
    assert.equal(MAX_RETRIES, 5);
    // Math.random() = 0.5 is the middle of the jitter: no jitter at all.
    const random = mock.method(Math, 'random', () => 0.5);
    try {
      assert.deepEqual(
        Array.from({ length: 8 }, (_, retry) => retryBackoffMillis(retry)),
        [1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000],
      );
    } finally {
      random.mock.restore();
    }
  });

  test('jitter is ±20 % of the base wait', () => {
    const low = mock.method(Math, 'random', () => 0);
    try {
      assert.equal(retryBackoffMillis(0), 800);
      assert.equal(retryBackoffMillis(10), 4000);
    } finally {
      low.mock.restore();
    }
    const high = mock.method(Math, 'random', () => 1 - Number.EPSILON);
    try {
      assert.ok(Math.abs(retryBackoffMillis(0) - 1200) < 1e-9);
      assert.ok(Math.abs(retryBackoffMillis(10) - 6000) < 1e-9);
    } finally {
      high.mock.restore();
    }
  });

  test('with the real Math.random every wait stays inside its band', () => {
    for (let round = 0; round < 1000; round++) {
      const retry = round % 7;
      const base = Math.min(1000 * 1.5 ** retry, 5000);
      const wait = retryBackoffMillis(retry);
      assert.ok(wait >= base * 0.8 && wait <= base * 1.2, `retry ${retry}: ${wait}`);
    }
  });
});

describe('sleep', () => {
  test('resolves true once the time has passed', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let result: boolean | undefined;
    const sleeping = sleep(1000, undefined, true).then((value) => (result = value));
    t.mock.timers.tick(999);
    await Promise.resolve();
    assert.equal(result, undefined, 'not before its time');
    t.mock.timers.tick(1);
    assert.equal(await sleeping, true);
  });

  test('resolves false as soon as the signal aborts, long before its time', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal, true);
    controller.abort();
    assert.equal(await sleeping, false);
  });

  test('an already aborted signal: false without starting a timer', async () => {
    const started = mock.method(globalThis, 'setTimeout');
    try {
      assert.equal(await sleep(60_000, AbortSignal.abort(), true), false);
      assert.equal(started.mock.callCount(), 0);
    } finally {
      started.mock.restore();
    }
  });

  test('holdProcess: false lets the process end meanwhile (the timer is unref’d); true holds it', async () => {
    const timers: NodeJS.Timeout[] = [];
    const original = globalThis.setTimeout;
    const started = mock.method(globalThis, 'setTimeout', ((callback: () => void, millis: number) => {
      const timer = original(callback, millis);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout);
    try {
      const controller = new AbortController();
      const released = sleep(60_000, controller.signal, false);
      const held = sleep(60_000, controller.signal, true);
      assert.deepEqual(
        timers.map((timer) => timer.hasRef()),
        [false, true],
      );
      controller.abort();
      assert.deepEqual(await Promise.all([released, held]), [false, false]);
    } finally {
      started.mock.restore();
      for (const timer of timers) clearTimeout(timer);
    }
  });
});
