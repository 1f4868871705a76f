import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/** The argument of `LogRecordProcessor.enabled`, named once. */
export type EnabledOptions = Parameters<NonNullable<LogRecordProcessor['enabled']>>[0];

/**
 * Base of logweave's processor chain: each stage decorates the next one, so a stage can drop a
 * record by not passing it on (the SDK's MultiLogRecordProcessor would hand it to everyone).
 * Flush, shutdown and `enabled` are passed down the chain.
 */
export abstract class ChainedProcessor implements LogRecordProcessor {
  protected readonly next: LogRecordProcessor;

  constructor(next: LogRecordProcessor) {
    this.next = next;
  }

  abstract onEmit(logRecord: ReadWriteLogRecord, context?: Context): void;

  enabled(options: EnabledOptions): boolean {
    return this.next.enabled === undefined || this.next.enabled(options);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
