/**
 * The longest wait a Node timer holds (2^31 - 1 ms, about 24.8 days): a longer `setTimeout`
 * fires after 1 ms instead, so an absurd `Retry-After` would turn spool replay into a busy loop.
 */
export const MAX_RETRY_AFTER_MILLIS = 2 ** 31 - 1;

const DAYS = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// The three HTTP-date forms of RFC 9110 §5.6.7; anchored, no nested repetition: linear time.
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAYS} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * `Retry-After` (RFC 9110 §10.2.3) as milliseconds from `now`: delta-seconds, or an HTTP-date
 * (a past date is 0). Undefined when absent or not one of those forms, so the caller uses its
 * own backoff; `Date.parse` is not used because it reads almost anything (`-5` as May 2001).
 * Held to `MAX_RETRY_AFTER_MILLIS`.
 */
export function parseRetryAfter(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MILLIS);
  const at = parseHttpDate(value, now);
  if (at === undefined) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MILLIS);
}

function parseHttpDate(value: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match !== null) return utc(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = ASCTIME_DATE.exec(value);
  if (match !== null) return utc(match[6], match[1], match[2], match[3], match[4], match[5]);
  match = RFC850_DATE.exec(value);
  if (match === null) return undefined;
  // A two-digit year more than 50 years ahead is the most recent past year with those digits.
  const twoDigits = Number(match[3]);
  const nowDate = new Date(now);
  const limit = Date.UTC(nowDate.getUTCFullYear() + 50, nowDate.getUTCMonth(), nowDate.getUTCDate());
  const century = Math.floor(nowDate.getUTCFullYear() / 100) * 100;
  for (const year of [century + 100 + twoDigits, century + twoDigits, century - 100 + twoDigits]) {
    const at = utc(String(year), match[2], match[1], match[4], match[5], match[6]);
    if (at === undefined || at <= limit) return at;
  }
  return undefined;
}

/** The instant of a GMT date written in fields, or undefined when no such date or time exists. */
function utc(
  yearText: string | undefined,
  monthName: string | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): number | undefined {
  const [year, day, hour, minute, second] = [yearText, dayText, hourText, minuteText, secondText].map(Number);
  const month = MONTHS.indexOf(monthName ?? '');
  if (hour === undefined || minute === undefined || second === undefined || year === undefined)
    return undefined;
  // Leap seconds (:60) are allowed by the grammar; they count as the next second.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const at = Date.UTC(year, month, day, hour, minute, second);
  const date = new Date(at);
  // A day the month does not have (31 Nov) rolls over in Date.UTC: refuse it instead.
  return date.getUTCDate() === day && date.getUTCMonth() === month ? at : undefined;
}
