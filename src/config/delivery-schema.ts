import { z } from 'zod';

/** Validates the `delivery` section; see `DeliveryOptions`. */
export const deliverySchema = z.strictObject({
  spoolDir: z.string().min(1).optional(),
});
