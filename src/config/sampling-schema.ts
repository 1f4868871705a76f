import { z } from 'zod';
import { MODULE_PATTERN_SYNTAX } from './module-pattern-syntax.ts';

// OTel defines sampling probabilities within [2^-56, 1]; 0 means "never" (not a probability).
const probability = z
  .number()
  .min(0)
  .max(1)
  .refine((value) => value === 0 || value >= 2 ** -56, 'a probability of 0, or between 2^-56 and 1');

const MODULE_PATTERN_EXPECTED =
  'a dotted module name whose segments are names or "*" (e.g. "payments", "auth.*", "*.webhooks")';

const modulePattern = z.string().regex(MODULE_PATTERN_SYNTAX, MODULE_PATTERN_EXPECTED);

const severityProbabilities = z.strictObject({
  trace: probability.optional(),
  debug: probability.optional(),
  info: probability.optional(),
  warn: probability.optional(),
});

/** Validates the `sampling` section; see `SamplingOptions` for meanings and defaults. */
export const samplingSchema = z.strictObject({
  default: severityProbabilities.optional(),
  warnAllowlist: z.array(modulePattern).optional(),
  // Keys are checked one by one so that the error names the bad key and says what a key looks like.
  modules: z
    .record(z.string(), severityProbabilities)
    .superRefine((modules, issues) => {
      for (const key of Object.keys(modules)) {
        if (!MODULE_PATTERN_SYNTAX.test(key)) {
          issues.addIssue({ code: 'custom', message: MODULE_PATTERN_EXPECTED, path: [key], input: key });
        }
      }
    })
    .optional(),
  errorBuffer: z
    .strictObject({
      maxRecords: z.number().int().min(0).max(100_000).optional(),
      maxBytes: z.number().int().min(1024).optional(),
      maxTotalBytes: z.number().int().min(1024).optional(),
      maxAgeMillis: z.number().int().min(1).optional(),
      graceMillis: z.number().int().min(0).max(600_000).optional(),
    })
    .optional(),
  burst: z.strictObject({ perTemplatePerSecond: z.number().int().min(1).optional() }).optional(),
  traceBased: z.boolean().optional(),
});
