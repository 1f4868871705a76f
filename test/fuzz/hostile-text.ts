import fc from 'fast-check';

/**
 * Text built to make a pattern scanner slow: a short unit repeated to a length (repeated separators,
 * near-matches of every built-in pattern), ending in a character that makes the last match attempt
 * fail, and long enough (or not) that a length limit cuts it at a chosen point.
 */
export interface HostileShape {
  /** The repeated unit, e.g. `1-` or `eyJ-`. */
  unit: string;
  /** What ends the text: the character that makes every match attempt fail at the end (`x`, `!`). */
  tail: string;
  /**
   * Characters past the length limit (negative: short of it). At 0 the text is exactly as long as
   * the limit, so it is treated as cut; above 0 the limit cuts the tail off and the text ends inside
   * a unit.
   */
  overshoot: number;
}

/**
 * The text of `shape` for a length limit `limit`. Two limits that differ by a multiple of the
 * unit's length give texts that start and end (or are cut) at the same place in a unit, so the
 * longer one is the shorter one with more units in the middle (see `alignedLimit`).
 */
export function hostileText(shape: HostileShape, limit: number): string {
  const length = Math.max(0, limit + shape.overshoot - shape.tail.length);
  return shape.unit.repeat(Math.ceil(length / shape.unit.length)).slice(0, length) + shape.tail;
}

/** The largest limit up to `near` that differs from `limit` by a multiple of the unit's length. */
export function alignedLimit(shape: HostileShape, near: number, limit: number): number {
  const unitLength = shape.unit.length;
  return near - ((((near - limit) % unitLength) + unitLength) % unitLength);
}

/**
 * The inputs the reliability issue measured (seconds at 64 KiB before the scanners), and their
 * relatives for every other built-in pattern: each one repeats a near-match of a pattern.
 */
export const NAMED_HOSTILE_SHAPES: Record<string, HostileShape> = {
  'card: 1-1-1-…x': { unit: '1-', tail: 'x', overshoot: 0 },
  'card: 2-2-2-…x, as long as the limit': { unit: '2-', tail: 'x', overshoot: 0 },
  'card: 2-2-2-…x, cut by the limit': { unit: '2-', tail: 'x', overshoot: 2 },
  'card: 2 2 2 …x': { unit: '2 ', tail: 'x', overshoot: 0 },
  'card: 123456-123456-…x': { unit: '123456-', tail: 'x', overshoot: 0 },
  'card: 22 22 22 …': { unit: '22 ', tail: '', overshoot: 0 },
  'card: 13-digit runs': { unit: '4111111111111-', tail: 'x', overshoot: 0 },
  'jwt: eyJ-eyJ-…!': { unit: 'eyJ-', tail: '!', overshoot: 0 },
  'jwt: eyJab.eyJab.…!': { unit: 'eyJab.', tail: '!', overshoot: 0 },
  'jwt: eyJabcd.…… cut by the limit': { unit: 'eyJabcd.', tail: '!', overshoot: 3 },
  'bearer: bearer bearer …': { unit: 'bearer ', tail: '!', overshoot: 0 },
  'bearer: Bearer\\t… cut by the limit': { unit: 'Bearer\t', tail: '!', overshoot: 2 },
  'assignment: a.a.a.…=': { unit: 'a.', tail: '=', overshoot: 0 },
  'assignment: access-toke.…=': { unit: 'access-toke.', tail: '=', overshoot: 0 },
  'assignment: token=token=…': { unit: 'token =', tail: '', overshoot: 0 },
  'assignment: "password"  :': { unit: '"password"  :', tail: '', overshoot: 0 },
  'assignment: password=         ': { unit: 'password=         ', tail: '', overshoot: 0 },
  'email: a@a@a@…': { unit: 'a@', tail: '', overshoot: 0 },
  'email: a.a.a.…@': { unit: 'a.', tail: '@', overshoot: 0 },
  'email: x@b.b.b.…': { unit: 'x@b.b.b.b.b.b.b.b.b.b', tail: '', overshoot: 0 },
};

const DIGITS = [...'0123456789'];
const digitRun = fc.oneof(
  fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 1, maxLength: 7 }),
  fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 12, maxLength: 20 }),
  fc.constantFrom('2', '22', '4111', '123456'),
);

/** Pieces that start, continue or almost complete a built-in pattern. */
const nearMatchPiece = fc.oneof(
  digitRun,
  fc.constantFrom(' ', '-', '.', '  ', '--', '\t', '_'),
  fc.constantFrom('eyJ', 'eyJab', 'EYJ', 'eyJhbGciOi', '.eyJ'),
  fc.constantFrom('bearer', 'Bearer ', 'bearer\t', 'BEARER  ', 'basic '),
  fc.constantFrom(
    'password',
    'access_token',
    'x-auth-token',
    'token',
    'api',
    'key',
    'access-toke',
    'set.cookie',
  ),
  fc.constantFrom('=', ':', '"', "'", ': ', '":"', '=  '),
  fc.constantFrom('@', 'a@b', '.com', 'user.', 'a@b.c'),
  fc.string({ unit: fc.constantFrom(...'aZ09_-.+/~ ='), minLength: 1, maxLength: 4 }),
);

const separator = fc.constantFrom(' ', '-', '.', '_', '\t', '  ');
const base64urlRun = fc.string({ unit: fc.constantFrom(...'aZ09_-'), maxLength: 6 });

/**
 * Units that repeat one pattern's near-match, so every match attempt in the text fails late:
 * digit groups and their separators, JWT headers without enough parts, `bearer` and spaces,
 * keys and operators without a value, local parts and labels without a domain.
 */
const patternUnit = fc.oneof(
  fc
    .array(fc.tuple(digitRun, fc.constantFrom(' ', '-', '')), { minLength: 1, maxLength: 3 })
    .map((groups) => groups.map(([digits, joiner]) => digits + joiner).join('')),
  fc
    .tuple(
      fc.constantFrom('eyJ', 'EYJ', '.eyJ', '-eyJ'),
      base64urlRun,
      fc.constantFrom('', '-', '.', '_', '..', ' '),
    )
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom('bearer', 'Bearer', 'BEARER'), fc.constantFrom(' ', '\t', '   ', ''), base64urlRun)
    .map((parts) => parts.join('')),
  fc
    .tuple(
      fc.constantFrom('', 'a.', 'my_', 'x-'),
      fc.constantFrom('password', 'token', 'api_key', 'x-auth-token', 'access-toke', 'Set-Cookie'),
      fc.constantFrom('', '"', "'", ' ', '  ', '.', '-'),
      fc.constantFrom('=', ':', '', '=='),
      fc.constantFrom('', ' ', '"', '&', ';', 'bearer '),
    )
    .map((parts) => parts.join('')),
  fc
    .tuple(
      fc.constantFrom('a', 'a.b', 'x+y', '.'),
      fc.constantFrom('@', '@b', '@b.', '.'),
      fc.constantFrom('', 'c', '.'),
    )
    .map((parts) => parts.join('')),
  separator,
);

/**
 * Hostile shapes: a unit that repeats one pattern's near-match, or 1 to 6 near-match pieces of
 * any patterns; any ending; any cut point.
 */
export const hostileShape: fc.Arbitrary<HostileShape> = fc.record({
  unit: fc.oneof(
    { weight: 2, arbitrary: patternUnit },
    fc.array(nearMatchPiece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join('')),
  ),
  tail: fc.constantFrom('', 'x', '!', 'A', '-x', '.', '=', '@', ' ', '"'),
  overshoot: fc.integer({ min: -2, max: 40 }),
});
