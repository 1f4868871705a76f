import type { AnyValue, Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_NORMALIZE_LIMITS } from '../attributes/attribute-limits.ts';
import { repairSplitSurrogate, truncateUtf16, truncateUtf8 } from '../attributes/truncate-text.ts';
import type { RedactionOptions } from '../config/redaction-options.ts';
import type { DiagnosticReporter } from '../diagnostics/diagnostic-reporter.ts';
import { redactEntry, redactValue, type RedactionWalk } from '../redaction/redact-value.ts';
import { RedactionRules } from '../redaction/redaction-rules.ts';
import { ChainedProcessor } from './chained-processor.ts';

/** What the redaction stage needs besides its options. */
export interface RedactionStageSettings {
  /** The SDK's attribute value length limit: strings it cut there may end in half a surrogate pair. */
  attributeValueLengthLimit?: number;
  /** Longest body in UTF-8 bytes. Default: 65536. */
  maxBodyBytes?: number;
  /** Called with the number of secrets replaced in a record (only when > 0). */
  onRedacted?: (count: number) => void;
  /** Reports a fault; the stage never throws into application code. */
  diagnostics?: DiagnosticReporter;
}

/**
 * Removes secrets from attributes (any depth, case-insensitive keys), the body and
 * `exception.message` / `exception.stacktrace` before anything is buffered or exported, and
 * applies the limits the SDK leaves open: body size, nesting depth, and strings the SDK's
 * truncation cut inside a surrogate pair. Works on every record, whether it came from
 * logweave's facade, the OTel Logs API or a pino/winston instrumentation.
 *
 * Hot path: rules are compiled once; a key costs one Map lookup; a string that cannot hold a
 * secret costs one pass over its characters; nothing is allocated for a clean record
 * (bench: `npx node bench/redaction.ts`).
 */
export class RedactionProcessor extends ChainedProcessor {
  readonly #walk: RedactionWalk;
  /** For structured bodies, which the SDK does not truncate: strings are cut at the value length limit too. */
  readonly #bodyWalk: RedactionWalk;
  readonly #maxBodyBytes: number;
  readonly #onRedacted: ((count: number) => void) | undefined;
  readonly #diagnostics: DiagnosticReporter | undefined;

  constructor(next: LogRecordProcessor, options: RedactionOptions, settings: RedactionStageSettings = {}) {
    super(next);
    const valueLimit = settings.attributeValueLengthLimit ?? DEFAULT_NORMALIZE_LIMITS.valueLength;
    const rules = options.enabled === false ? undefined : new RedactionRules(options);
    // Lengths at which a string was probably cut: by the SDK at the configured limit, or by the
    // facade at its own default (one less when a surrogate pair was kept whole).
    const cutLengths = new Set([
      valueLimit,
      valueLimit - 1,
      DEFAULT_NORMALIZE_LIMITS.valueLength,
      DEFAULT_NORMALIZE_LIMITS.valueLength - 1,
    ]);
    const walk: RedactionWalk = {
      rules,
      fixString: (text) => {
        if (!cutLengths.has(text.length)) return text;
        const repaired = repairSplitSurrogate(text, valueLimit);
        return rules === undefined ? repaired : rules.removeCutSecretTail(repaired, () => walk.redacted++);
      },
      maxDepth: DEFAULT_NORMALIZE_LIMITS.maxDepth,
      redacted: 0,
    };
    this.#walk = walk;
    const bodyWalk: RedactionWalk = {
      rules,
      fixString: (text) => {
        const cut = truncateUtf16(text, valueLimit);
        if (cut === text) return walk.fixString(text);
        return rules === undefined ? cut : rules.removeCutSecretTail(cut, () => bodyWalk.redacted++);
      },
      maxDepth: DEFAULT_NORMALIZE_LIMITS.maxDepth,
      redacted: 0,
    };
    this.#bodyWalk = bodyWalk;
    this.#maxBodyBytes = settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#onRedacted = settings.onRedacted;
    this.#diagnostics = settings.diagnostics;
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    try {
      this.#redact(logRecord);
    } catch (error) {
      // Fail closed: a record we could not inspect is not exported with its values intact.
      this.#diagnostics?.report(
        'redaction_failed',
        `redaction failed (${error instanceof Error ? error.message : String(error)}); the record's body and attributes were replaced`,
      );
      logRecord.body = '[REDACTION FAILED]';
      for (const key of Object.keys(logRecord.attributes)) logRecord.attributes[key] = '[REDACTION FAILED]';
    }
    this.next.onEmit(logRecord, context);
  }

  #redact(logRecord: ReadWriteLogRecord): void {
    const walk = this.#walk;
    walk.redacted = 0;
    const body = logRecord.body;
    if (typeof body === 'string') {
      const cut = truncateUtf8(body, this.#maxBodyBytes);
      const bounded =
        cut !== body && walk.rules !== undefined
          ? walk.rules.removeCutSecretTail(cut, () => walk.redacted++)
          : cut;
      const redacted = redactValue(bounded, walk, 1);
      if (redacted !== body) logRecord.body = redacted;
    } else if (body !== undefined && body !== null) {
      const bodyWalk = this.#bodyWalk;
      bodyWalk.redacted = 0;
      const redacted = redactValue(body as AnyValue, bodyWalk, 1);
      if (redacted !== body) logRecord.body = redacted;
      walk.redacted += bodyWalk.redacted;
    }
    const attributes = logRecord.attributes;
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      const redacted = redactEntry(key, value, walk, 1);
      // Written in place, not through setAttribute: the SDK would copy (and re-truncate) it again.
      if (redacted !== value) attributes[key] = redacted;
    }
    if (walk.redacted > 0) this.#onRedacted?.(walk.redacted);
  }
}
