/** The `delivery` section: what happens when the Collector cannot take records. */
export interface DeliveryOptions {
  /** Directory of the durable spool; absent means no spool. Env: `LOGWEAVE_SPOOL_DIR`. Default: none. */
  spoolDir?: string;
}
