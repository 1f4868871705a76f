import type { AnyValue, Attributes, HrTime, SeverityNumber, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { SAMPLING_ATTRIBUTES } from '../core/attribute-names.ts';

/**
 * A held record handed on when its request (or its trace) failed. The SDK's record became
 * read-only when its `onEmit` returned, so why it is kept after all (`error_buffer`,
 * `upstream_failure`, `late_release`) is written on this copy: every field is the original's,
 * the attributes a shallow copy plus `logweave.sampling.rule`.
 */
export class ReleasedRecord implements ReadWriteLogRecord {
  hrTime: HrTime;
  hrTimeObserved: HrTime;
  spanContext?: SpanContext;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly attributes: Attributes;
  severityText?: string;
  severityNumber?: SeverityNumber;
  body?: AnyValue;
  eventName?: string;
  droppedAttributesCount: number;

  constructor(original: ReadableLogRecord, rule: string) {
    this.hrTime = original.hrTime;
    this.hrTimeObserved = original.hrTimeObserved;
    if (original.spanContext !== undefined) this.spanContext = original.spanContext;
    this.resource = original.resource;
    this.instrumentationScope = original.instrumentationScope;
    this.attributes = { ...original.attributes, [SAMPLING_ATTRIBUTES.rule]: rule };
    if (original.severityText !== undefined) this.severityText = original.severityText;
    if (original.severityNumber !== undefined) this.severityNumber = original.severityNumber;
    if (original.body !== undefined) this.body = original.body;
    if (original.eventName !== undefined) this.eventName = original.eventName;
    this.droppedAttributesCount = original.droppedAttributesCount;
  }

  setAttribute(key: string, value?: AnyValue): this {
    if (value !== undefined) this.attributes[key] = value as Attributes[string];
    return this;
  }

  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }

  setBody(body: AnyValue): this {
    this.body = body;
    return this;
  }

  setEventName(eventName: string): this {
    this.eventName = eventName;
    return this;
  }

  setSeverityNumber(severityNumber: SeverityNumber): this {
    this.severityNumber = severityNumber;
    return this;
  }

  setSeverityText(severityText: string): this {
    this.severityText = severityText;
    return this;
  }
}
