import { z } from 'zod';

/**
 * The schema of the field at dotted `path` inside `schema` (optional wrappers removed), so a
 * single value can be validated with the same bounds as the whole options object.
 * Throws when the path does not exist: the env table names a field the schema lacks.
 */
export function schemaAt(schema: z.ZodType, path: string): z.ZodType {
  let current: z.ZodType = schema;
  for (const key of path.split('.')) {
    current = unwrapOptional(current);
    if (!(current instanceof z.ZodObject))
      throw new Error(`no option at ${path}: ${key} is not in an object`);
    const next = (current.shape as Record<string, z.ZodType | undefined>)[key];
    if (next === undefined) throw new Error(`no option at ${path}: ${key} is not a field`);
    current = next;
  }
  return unwrapOptional(current);
}

function unwrapOptional(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner;
}
