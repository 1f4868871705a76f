import type { AnyValue, Attributes, HrTime, SeverityNumber, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { BURST_ATTRIBUTES } from '../core/attribute-names.ts';

/** What a burst summary says; see `BurstLimiter`. */
export interface BurstSummary {
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly severityNumber: SeverityNumber | undefined;
  readonly severityText: string | undefined;
  readonly template: string;
  readonly suppressedCount: number;
  readonly firstTimestamp: HrTime;
  readonly lastTimestamp: HrTime;
  readonly perTemplatePerSecond: number;
}

/**
 * The record that stands for the records a burst suppressed. It is made by logweave rather than
 * by a Logger, so it implements the SDK's record interface itself; resource and scope are the
 * suppressed records' own objects, so exporters group it with them.
 */
export class BurstSummaryRecord implements ReadWriteLogRecord {
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
  droppedAttributesCount = 0;

  constructor(summary: BurstSummary, now: HrTime) {
    this.hrTime = now;
    this.hrTimeObserved = now;
    this.resource = summary.resource;
    this.instrumentationScope = summary.instrumentationScope;
    this.severityNumber = summary.severityNumber;
    this.severityText = summary.severityText;
    this.eventName = 'logweave.burst.summary';
    this.body = `${summary.suppressedCount} records like "${summary.template}" were suppressed (limit ${summary.perTemplatePerSecond}/s)`;
    this.attributes = {
      [BURST_ATTRIBUTES.suppressedCount]: summary.suppressedCount,
      [BURST_ATTRIBUTES.firstTimestamp]: isoTime(summary.firstTimestamp),
      [BURST_ATTRIBUTES.lastTimestamp]: isoTime(summary.lastTimestamp),
      [BURST_ATTRIBUTES.template]: summary.template,
      [BURST_ATTRIBUTES.limit]: summary.perTemplatePerSecond,
    };
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

/** ISO 8601 with nanoseconds, so first and last keep their full precision. */
function isoTime([seconds, nanos]: HrTime): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(nanos).padStart(9, '0')}Z`;
}
