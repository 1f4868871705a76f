import { createNoopMeter, type Counter, type Meter, type MeterProvider } from '@opentelemetry/api';
import type { LoggingStats } from '../core/stats.ts';

/** The self-observability counter the SDK's BatchLogRecordProcessor adds queue drops to. */
const PROCESSED_METRIC = 'otel.sdk.processor.log.processed';

/**
 * A MeterProvider for the batch processor's self-observability option whose only live
 * instrument counts `error.type=queue_full` into logweave's stats. It is how a full batch queue
 * becomes a counted drop without reaching into the SDK's private fields.
 */
export function createQueueDropMeterProvider(stats: LoggingStats): MeterProvider {
  const noop = createNoopMeter();
  const meter: Meter = Object.create(noop) as Meter;
  meter.createCounter = (name, options) => {
    if (name !== PROCESSED_METRIC) return noop.createCounter(name, options);
    const counter: Counter = {
      add(value, attributes) {
        if (attributes?.['error.type'] === 'queue_full') stats.recordDropped('queue_full', value);
      },
    };
    return counter;
  };
  return { getMeter: () => meter };
}
