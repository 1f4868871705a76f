import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';

/** End of the chain for `exporter: 'none'`: records are accepted and go nowhere, by request. */
export class DiscardProcessor implements LogRecordProcessor {
  onEmit(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
