import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { RedactionOptions } from '../config/redaction-options.ts';
import { ChainedProcessor } from './chained-processor.ts';

/**
 * Removes secrets from attributes, body and exception fields before anything is buffered or
 * exported. (Placeholder stage: the redaction rules arrive with the hostile-input work.)
 */
export class RedactionProcessor extends ChainedProcessor {
  constructor(next: LogRecordProcessor, _options: RedactionOptions) {
    super(next);
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.next.onEmit(logRecord, context);
  }
}
