import { z } from 'zod';

const probability = z.number().min(0).max(1);

const severityProbabilities = z.strictObject({
  trace: probability.optional(),
  debug: probability.optional(),
  info: probability.optional(),
  warn: probability.optional(),
});

/** Validates the `sampling` section; see `SamplingOptions` for meanings and defaults. */
export const samplingSchema = z.strictObject({
  default: severityProbabilities.optional(),
  warnAllowlist: z.array(z.string().min(1)).optional(),
  modules: z.record(z.string().min(1), severityProbabilities).optional(),
  errorBuffer: z
    .strictObject({
      maxRecords: z.number().int().min(0).optional(),
      maxBytes: z.number().int().min(0).optional(),
    })
    .optional(),
  burst: z.strictObject({ perTemplatePerSecond: z.number().int().min(1).optional() }).optional(),
});
