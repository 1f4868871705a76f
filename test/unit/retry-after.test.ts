import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_RETRY_AFTER_MILLIS, parseRetryAfter } from '../../src/exporters/retry-after.ts';

/** A fixed "now": Sun, 06 Nov 1994 08:49:37 GMT (the RFC's example date). */
const NOW = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('Retry-After: delta-seconds', () => {
  test('decimal seconds become milliseconds; surrounding whitespace is tolerated', () => {
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter('  7 ', NOW), 7000);
    assert.equal(parseRetryAfter('007', NOW), 7000);
  });

  test('absent or blank: undefined (the caller falls back to its own backoff)', () => {
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
    assert.equal(parseRetryAfter('', NOW), undefined);
    assert.equal(parseRetryAfter('   ', NOW), undefined);
  });

  test('a repeated header: the first value counts', () => {
    assert.equal(parseRetryAfter(['3', '9'], NOW), 3000);
    assert.equal(parseRetryAfter([], NOW), undefined);
  });

  test('huge values are held to the longest wait a Node timer can hold (a longer one fires after 1 ms)', () => {
    assert.equal(MAX_RETRY_AFTER_MILLIS, 2 ** 31 - 1);
    assert.equal(parseRetryAfter('99999999999999999999', NOW), MAX_RETRY_AFTER_MILLIS);
    assert.equal(parseRetryAfter('9'.repeat(400), NOW), MAX_RETRY_AFTER_MILLIS, 'Infinity too');
    assert.equal(parseRetryAfter(String(2 ** 31), NOW), MAX_RETRY_AFTER_MILLIS);
    assert.equal(parseRetryAfter('2147483', NOW), 2_147_483_000, 'just under the cap is kept');
  });

  test('negative, fractional, signed, exponent and hex numbers are not delta-seconds: undefined', () => {
    for (const value of ['-5', '-0', '+5', '1.5', '1e3', '0x10', '5s', '12abc', '1 2', '٣']) {
      assert.equal(parseRetryAfter(value, NOW), undefined, JSON.stringify(value));
    }
  });
});

describe('Retry-After: HTTP-date (RFC 9110 §5.6.7)', () => {
  test('IMF-fixdate: the time until then', () => {
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:50:37 GMT', NOW), 60_000);
    assert.equal(parseRetryAfter('Mon, 07 Nov 1994 08:49:37 GMT', NOW), 86_400_000);
  });

  test('the obsolete forms recipients must accept: RFC 850 and asctime (both GMT)', () => {
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:50:37 GMT', NOW), 60_000);
    assert.equal(parseRetryAfter('Sun Nov  6 08:50:37 1994', NOW), 60_000, 'asctime is GMT, not local time');
    assert.equal(parseRetryAfter('Sun Nov 16 08:49:37 1994', NOW), 10 * 86_400_000);
  });

  test('RFC 850 two-digit years: more than 50 years ahead means the previous century', () => {
    // From 1994, "44" is 2044 (not more than 50 years ahead: in the future, so held to the cap);
    // "45" as 2045 would be more than 50 years ahead, so it is 1945: in the past, so 0.
    assert.equal(parseRetryAfter('Friday, 01-Jan-44 00:00:00 GMT', NOW), MAX_RETRY_AFTER_MILLIS);
    assert.equal(parseRetryAfter('Monday, 01-Jan-45 00:00:00 GMT', NOW), 0);
    // From 2093, "10" is 2110, not 2010.
    const in2093 = Date.UTC(2093, 11, 31, 0, 0, 0);
    assert.equal(parseRetryAfter('Friday, 01-Jan-10 00:00:00 GMT', in2093), MAX_RETRY_AFTER_MILLIS);
    assert.equal(parseRetryAfter('Friday, 01-Jan-94 00:00:00 GMT', in2093), 86_400_000);
  });

  test('a date in the past means now: 0', () => {
    assert.equal(parseRetryAfter('Sat, 05 Nov 1994 08:49:37 GMT', NOW), 0);
    assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', NOW), 0);
  });

  test('a date further ahead than a timer can wait is held to the cap', () => {
    assert.equal(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW), MAX_RETRY_AFTER_MILLIS);
  });

  test('dates that do not exist or are not HTTP-dates: undefined', () => {
    for (const value of [
      'Sun, 31 Nov 1994 08:49:37 GMT', // November has 30 days
      'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 06 Nov 1994 08:61:00 GMT',
      'Sun, 06 Nov 1994 08:49:37 PST', // HTTP-dates are GMT
      'Sun, 06 Nov 1994 08:49:37', // no zone
      'Sun, 6 Nov 1994 08:49:37 GMT', // IMF-fixdate has two-digit days
      'Xyz, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Foo 1994 08:49:37 GMT',
      '1994-11-06T08:50:37Z', // ISO 8601 is not an HTTP-date
      'Sunday garbage 5', // Date.parse would read this as 1 May 2001
      'soon',
      'Sun, 06 Nov 1994 08:49:37 GMT and more',
    ]) {
      assert.equal(parseRetryAfter(value, NOW), undefined, value);
    }
  });

  test('the default "now" is the clock: a date one hour ahead is about an hour', () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    const millis = parseRetryAfter(inAnHour);
    assert.ok(millis !== undefined && millis > 3_590_000 && millis <= 3_600_000, String(millis));
  });

  test('linear in the header length: a 1 MB header is rejected as fast as a short one', () => {
    // No pattern here backtracks: a long near-match costs one pass (a regression would hang the test).
    const long = `Sun, 06 Nov 1994 08:49:37 ${'G'.repeat(1_000_000)}`;
    assert.equal(parseRetryAfter(long, NOW), undefined);
    assert.equal(parseRetryAfter(`${'1'.repeat(1_000_000)}x`, NOW), undefined);
  });
});
