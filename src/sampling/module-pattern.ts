/**
 * Module names are dotted (`payments.webhooks`); a pattern is a module name in which whole
 * segments may be `*` (`auth.*`, `*.webhooks`). A `*` matches exactly one segment; deeper modules
 * reach a pattern through inheritance (`auth.login.google` inherits from `auth.login`, which
 * `auth.*` matches).
 */
export interface ModulePattern {
  /** The pattern as written in the configuration. */
  readonly source: string;
  /** Segments; `undefined` stands for `*`. */
  readonly segments: ReadonlyArray<string | undefined>;
  readonly hasWildcard: boolean;
}

export { MODULE_PATTERN_SYNTAX } from '../config/module-pattern-syntax.ts';

export function parseModulePattern(source: string): ModulePattern {
  const segments = source.split('.').map((segment) => (segment === '*' ? undefined : segment));
  return { source, segments, hasWildcard: segments.includes(undefined) };
}

/** Whether `pattern` matches the module whose segments are `moduleSegments` (same depth only). */
export function matchesModule(pattern: ModulePattern, moduleSegments: readonly string[]): boolean {
  if (pattern.segments.length !== moduleSegments.length) return false;
  for (let index = 0; index < moduleSegments.length; index++) {
    const segment = pattern.segments[index];
    if (segment !== undefined && segment !== moduleSegments[index]) return false;
  }
  return true;
}

/**
 * Orders patterns of one depth that match the same module, most specific first: at the first
 * segment where they differ, a literal beats `*`. Two different patterns that match the same
 * module always differ that way, so the order is total and ties cannot remain.
 */
export function compareSpecificity(left: ModulePattern, right: ModulePattern): number {
  const length = Math.min(left.segments.length, right.segments.length);
  for (let index = 0; index < length; index++) {
    const leftLiteral = left.segments[index] !== undefined;
    const rightLiteral = right.segments[index] !== undefined;
    if (leftLiteral !== rightLiteral) return leftLiteral ? -1 : 1;
  }
  return left.source < right.source ? -1 : left.source > right.source ? 1 : 0;
}

/** `payments.webhooks.stripe` → [`payments.webhooks.stripe`, `payments.webhooks`, `payments`] as segment lists. */
export function moduleLineage(moduleName: string): string[][] {
  const segments = moduleName.split('.');
  const lineage: string[][] = [];
  for (let depth = segments.length; depth >= 1; depth--) lineage.push(segments.slice(0, depth));
  return lineage;
}
