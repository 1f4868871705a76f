import { z } from 'zod';

/** Validates the `redaction` section; see `RedactionOptions`. */
export const redactionSchema = z.strictObject({
  enabled: z.boolean().optional(),
});
