import type { z } from 'zod';
import { LogweaveConfigError } from '../core/config-error.ts';

/**
 * Validates `input` against `schema`, turning the first problem into a `LogweaveConfigError`
 * whose path starts with `origin` (e.g. `options` or `logweave.yaml`).
 */
export function validateWithSchema<T>(
  schema: z.ZodType<T>,
  input: unknown,
  origin: string,
  options: { secret?: boolean } = {},
): T {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new LogweaveConfigError(origin, 'a valid configuration', input);
  const path = [origin, ...issue.path.map(String)].join('.');
  // A rejected secret (a too-short hash key) must not be echoed into logs and crash reports.
  const received =
    options.secret === true || SECRET_FIELDS.has(String(issue.path.at(-1))) ? '(hidden)' : issue.input;
  throw new LogweaveConfigError(path, rangeOf(schema, issue) ?? expectationOf(issue), received, {
    cause: result.error,
  });
}

/** Fields whose values are secrets: errors about them never show the value. */
const SECRET_FIELDS = new Set(['hashKey']);

function expectationOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `a value of type ${issue.expected}`;
    case 'unrecognized_keys':
      return `no unknown keys (found ${issue.keys.map((key) => JSON.stringify(key)).join(', ')})`;
    case 'too_small':
      return `${issue.origin === 'string' || issue.origin === 'array' ? 'a length of' : 'a value'} at least ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'string' || issue.origin === 'array' ? 'a length of' : 'a value'} at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return issue.message;
  }
}

/**
 * For a single number out of its bounds, both bounds at once (`an integer from 1 to 600000`):
 * more useful than the one bound the value broke.
 */
function rangeOf(schema: z.ZodType, issue: z.core.$ZodIssue): string | undefined {
  if ((issue.code !== 'too_small' && issue.code !== 'too_big') || issue.path.length > 0) return undefined;
  const bounds = schema as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  const { minValue, maxValue } = bounds;
  if (typeof minValue !== 'number' || typeof maxValue !== 'number' || !Number.isFinite(maxValue))
    return undefined;
  if (maxValue >= Number.MAX_SAFE_INTEGER) return undefined;
  return `${bounds.isInt === true ? 'an integer' : 'a number'} from ${minValue} to ${maxValue}`;
}
