import { z } from 'zod';
import { SEVERITY_NAMES } from '../core/severity.ts';

/** Validates the `delivery` section; see `DeliveryOptions`. */
export const deliverySchema = z.strictObject({
  spoolDir: z.string().min(1).optional(),
  spoolMaxBytes: z.number().int().min(65_536).optional(),
  replayInitialBackoffMillis: z.number().int().min(1).max(3_600_000).optional(),
  replayMaxBackoffMillis: z.number().int().min(1).max(3_600_000).optional(),
  exportDeadlineMillis: z.number().int().min(1).max(600_000).optional(),
  durableSeverity: z.enum([...SEVERITY_NAMES, 'off']).optional(),
  durableFsync: z.boolean().optional(),
  handleUncaughtErrors: z.boolean().optional(),
});
