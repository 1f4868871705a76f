/**
 * The built-in patterns as they were before the scanners (commit 6da9413): regexes, and the card
 * search that checked the Luhn sum of each stretch anew. Quadratic on hostile text, but what they
 * find on ordinary text is the reference the scanners must find too
 * (redaction-scanners-differential.test.ts). Kept only here, as the oracle.
 */

export const REFERENCE_BEARER = /\b(bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;
export const REFERENCE_JWT = /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}/g;
export const REFERENCE_CARD_RUN =
  /(?<![A-Za-z0-9.]|[A-Za-z]-)(?:\d{13,}|\d{1,6}(?:[ -]\d{1,6})+)(?![A-Za-z0-9]|-[A-Za-z0-9])/g;
export const REFERENCE_EMAIL =
  /(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z][A-Za-z0-9-]{1,62}/g;
export const REFERENCE_CUT_TAIL =
  /(?:(\bbearer\s+)[A-Za-z0-9\-._~+/]*=*|\beyJ[A-Za-z0-9_.-]*|(?<![\d.])[2-6](?:[ -]?\d){5,}[ -]?)$/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The `key=value` regex for `keys`; group 2 is the secret. */
export function referenceAssignment(keys: readonly string[]): RegExp {
  const alternatives = [...new Set(keys.map((key) => key.toLowerCase()))]
    .sort((left, right) => right.length - left.length)
    .map((key) =>
      key
        .split(/[-_.\s]+/)
        .filter((part) => part !== '')
        .map(escapeRegExp)
        .join('[-_.]?'),
    )
    .filter((source) => source !== '');
  return new RegExp(
    `(?<![A-Za-z0-9])((?:[A-Za-z0-9]{1,64}[-_.]){0,8}(?:${alternatives.join('|')})["']?\\s{0,8}[:=]\\s{0,8}["']?)` +
      `((?:(?:bearer|basic|digest|negotiate)\\s{1,8})?[^\\s"'&;,}]+)`,
    'gi',
  );
}

/** The secret-key test: a canonical key ends with one of `canonicalKeys`. */
export function referenceKeyRegex(canonicalKeys: readonly string[]): RegExp {
  return new RegExp(`(?:${canonicalKeys.map(escapeRegExp).join('|')})$`);
}

/** `text` with the secret group of every match of `regex` replaced. */
export function referenceReplace(
  text: string,
  regex: RegExp,
  secretGroup: number,
  replace: (secret: string) => string,
  onRedacted: () => void,
  rewrite?: (match: string, replace: (secret: string) => string, onRedacted: () => void) => string,
): string {
  return text.replace(regex, (...args: unknown[]) => {
    const match = args[0] as string;
    if (rewrite !== undefined) return rewrite(match, replace, onRedacted);
    const secret = secretGroup === 0 ? match : (args[secretGroup] as string | undefined);
    if (secret === undefined || secret === '') return match;
    onRedacted();
    const replaced = replace(secret);
    return secretGroup === 0 ? replaced : match.slice(0, match.length - secret.length) + replaced;
  });
}

/** The cut-tail repair: what stays of `text`, or undefined when nothing matched. */
export function referenceCutTail(text: string): string | undefined {
  const match = REFERENCE_CUT_TAIL.exec(text);
  return match === null ? undefined : text.slice(0, match.index + (match[1]?.length ?? 0));
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card search inside a run of digits, checking every stretch's Luhn sum from scratch. */
export function referenceRedactCardNumbers(
  run: string,
  replace: (card: string) => string,
  onRedacted: () => void,
): string {
  const isDigit = (code: number): boolean => code >= 48 && code <= 57;
  const digitAt: number[] = [];
  const startsGroup: boolean[] = [];
  const endsGroup: boolean[] = [];
  for (let index = 0; index < run.length; index++) {
    const code = run.charCodeAt(index);
    if (code < 48 || code > 57) continue;
    startsGroup.push(index === 0 || !isDigit(run.charCodeAt(index - 1)));
    endsGroup.push(index === run.length - 1 || !isDigit(run.charCodeAt(index + 1)));
    digitAt.push(index);
  }
  const digits = digitAt.map((index) => run[index]).join('');
  let result = '';
  let copiedUpTo = 0;
  for (let first = 0; first + 13 <= digits.length; first++) {
    if (!startsGroup[first] || !'23456'.includes(digits[first] ?? '')) continue;
    const longest = Math.min(first + 19, digits.length);
    for (let end = longest; end >= first + 13; end--) {
      if (!endsGroup[end - 1] || !passesLuhn(digits.slice(first, end))) continue;
      const from = digitAt[first] ?? 0;
      const to = (digitAt[end - 1] ?? 0) + 1;
      onRedacted();
      result += run.slice(copiedUpTo, from) + replace(run.slice(from, to));
      copiedUpTo = to;
      first = end - 1;
      break;
    }
  }
  return copiedUpTo === 0 ? run : result + run.slice(copiedUpTo);
}
