import type { AnyValue, Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { repairSplitSurrogate, truncateUtf16, truncateUtf8 } from '../attributes/truncate-text.ts';
import type { LimitOptions } from '../config/logging-options.ts';
import type { RedactionOptions } from '../config/redaction-options.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { DiagnosticReporter } from '../core/diagnostic-reporter.ts';
import { LoggingStats } from '../core/stats.ts';
import { redactEntry, redactValue, type RedactionWalk } from '../redaction/redact-value.ts';
import { RedactionRules } from '../redaction/redaction-rules.ts';
import { ChainedProcessor } from './chained-processor.ts';

/** Options of `RedactionProcessor`: the `redaction` section plus what the stage shares. */
export interface RedactionProcessorOptions extends RedactionOptions {
  /**
   * The limits in force (`attributeValueLengthLimit`, `maxDepth`, `maxBodyBytes`): the stage cuts
   * bodies and nested values with them and knows where the SDK cut a string. Default: `DEFAULTS.limits`.
   */
  limits?: LimitOptions;
  /** Counts replaced secrets (`stats().redacted`). Default: a stats object of its own. */
  stats?: LoggingStats;
  /** Reports faults (the stage never throws). Default: one writing to stderr. */
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
 *
 * @example
 * new RedactionProcessor(samplingProcessor, { keys: ['ssn'], mode: 'hash', hashKey: process.env.LOG_HASH_KEY });
 */
export class RedactionProcessor extends ChainedProcessor {
  readonly stats: LoggingStats;
  readonly #walk: RedactionWalk;
  /** For structured bodies, which the SDK does not truncate: strings are cut at the value length limit too. */
  readonly #bodyWalk: RedactionWalk;
  readonly #maxBodyBytes: number;
  readonly #diagnostics: DiagnosticReporter;

  constructor(next: LogRecordProcessor, options: RedactionProcessorOptions = {}) {
    super(next);
    const { limits = {}, stats, diagnostics, ...redaction } = options;
    const valueLimit = limits.attributeValueLengthLimit ?? DEFAULTS.limits.attributeValueLengthLimit;
    const maxDepth = limits.maxDepth ?? DEFAULTS.limits.maxDepth;
    const rules = redaction.enabled === false ? undefined : new RedactionRules(redaction);
    // The facade and the SDK both cut strings at the one configured limit (one less when a
    // surrogate pair was kept whole), so a string of that length may end in a cut secret.
    const walk: RedactionWalk = {
      rules,
      fixString: (text) => {
        if (text.length !== valueLimit && text.length !== valueLimit - 1) return text;
        const repaired = repairSplitSurrogate(text, valueLimit);
        return rules === undefined ? repaired : rules.removeCutSecretTail(repaired, () => walk.redacted++);
      },
      maxDepth,
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
      maxDepth,
      redacted: 0,
    };
    this.#bodyWalk = bodyWalk;
    this.#maxBodyBytes = limits.maxBodyBytes ?? DEFAULTS.limits.maxBodyBytes;
    this.stats = stats ?? new LoggingStats();
    this.#diagnostics = diagnostics ?? new DiagnosticReporter();
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    try {
      this.#redact(logRecord);
    } catch (error) {
      // Fail closed: a record we could not inspect is not exported with its values intact.
      this.#diagnostics.report(
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
    if (walk.redacted > 0) this.stats.recordRedacted(walk.redacted);
  }
}
