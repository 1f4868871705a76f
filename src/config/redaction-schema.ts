import { z } from 'zod';

/** A custom pattern must compile and must not match the empty string (it would match everywhere). */
const patternSchema = z.union([z.string().min(1), z.instanceof(RegExp)]).superRefine((pattern, context) => {
  let regex: RegExp;
  try {
    regex = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message: `a valid regular expression (${(error as Error).message})`,
      input: pattern,
    });
    return;
  }
  if (new RegExp(regex.source, regex.flags.replace(/[gy]/g, '')).test('')) {
    context.addIssue({
      code: 'custom',
      message: 'a pattern that does not match the empty string',
      input: pattern,
    });
  }
});

/** Validates the `redaction` section; see `RedactionOptions`. */
export const redactionSchema = z.strictObject({
  enabled: z.boolean().optional(),
  keys: z.array(z.string().min(1).max(256)).max(1024).optional(),
  patterns: z.array(patternSchema).max(256).optional(),
  defaultPatterns: z.boolean().optional(),
  redactEmails: z.boolean().optional(),
  mode: z.enum(['remove', 'hash']).optional(),
  hashKey: z.string().min(16).optional(),
});
