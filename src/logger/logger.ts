import {
  context,
  type Attributes,
  type Context,
  type HrTime,
  type Logger as OtelLogger,
} from '@opentelemetry/api';
import { DEFAULT_NORMALIZE_LIMITS, type NormalizeLimits } from '../attributes/attribute-limits.ts';
import {
  exceptionAttributes,
  normalizeAttributes,
  normalizeCallAttributes,
} from '../attributes/normalize-attributes.ts';
import { REQUEST_ID_ATTRIBUTE } from '../core/attribute-names.ts';
import { SEVERITY_NUMBER_BY_NAME, SEVERITY_TEXT_BY_NAME, type SeverityName } from '../core/severity.ts';

/** Attributes as callers pass them; normalised into OTel values (see the README's Limits). */
export type LogAttributes = Readonly<Record<string, unknown>>;

/** Reports a fault inside logweave; the facade never throws into application code. */
export type InternalErrorReporter = (where: string, error: unknown) => void;

/**
 * The sampling stage's gate for this facade (see `SamplingProcessor.facadeGate`): decides what the
 * SDK's `enabled()` must leave open, a record outside any request and trace.
 */
export type FacadeGate = (severityNumber: number, context: Context, carriesRequestId: boolean) => boolean;

const OPEN_GATE: FacadeGate = () => true;

/**
 * A record another logger wrote (a pino line, a winston info object, a `console` call), mapped by
 * a log bridge (`logweave/pino`, `logweave/winston`, console capture) for `Logger.emitForeign`.
 */
export interface ForeignRecord {
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body?: string | undefined;
  /** When the other logger wrote it. Default: now. */
  readonly timestamp?: HrTime | undefined;
  /** Caller values, normalised within the pipeline's limits as the facade's attributes are. */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
  /** A thrown value (an `Error` object) for `exception.*`, mapped as the facade maps `err`. */
  readonly exception?: unknown;
  /** The context it was written in. Default: the active one. */
  readonly context?: Context | undefined;
  /** Whether the attributes carry a `request.id` of their own. Default: false. */
  readonly carriesRequestId?: boolean | undefined;
}

/**
 * The logging facade: `logger.info('charge created', { amount })`. A thin layer over an OTel
 * Logger whose instrumentation scope is the module name, so the sampling policy and any other
 * OTel tooling see `payments.stripe` as the module.
 *
 * `error(message, err)` and `{ err }` in the attributes record `exception.type`,
 * `exception.message` and `exception.stacktrace`.
 */
export class Logger {
  readonly #otel: OtelLogger;
  readonly #bindings: Attributes | undefined;
  readonly #reportInternalError: InternalErrorReporter;
  readonly #limits: NormalizeLimits;
  readonly #gate: FacadeGate;
  /** The module name (the OTel instrumentation scope name). */
  readonly name: string;

  /**
   * @internal Created by `logging.getLogger(name)`. `limits` are the pipeline's, so a value the
   * SDK would keep whole is not cut shorter here.
   */
  constructor(
    name: string,
    otel: OtelLogger,
    reportInternalError: InternalErrorReporter,
    limits: NormalizeLimits = DEFAULT_NORMALIZE_LIMITS,
    gate: FacadeGate = OPEN_GATE,
    bindings?: Attributes,
  ) {
    this.name = name;
    this.#otel = otel;
    this.#reportInternalError = reportInternalError;
    this.#limits = limits;
    this.#gate = gate;
    this.#bindings = bindings;
  }

  trace(message: string, attributes?: LogAttributes): void {
    this.#emit('trace', message, attributes);
  }

  debug(message: string, attributes?: LogAttributes): void {
    this.#emit('debug', message, attributes);
  }

  info(message: string, attributes?: LogAttributes): void {
    this.#emit('info', message, attributes);
  }

  warn(message: string, attributes?: LogAttributes): void {
    this.#emit('warn', message, attributes);
  }

  /** `error('charge failed', err)` or `error('charge failed', { err, orderId })`. */
  error(message: string, errorOrAttributes?: unknown): void {
    this.#emit('error', message, asAttributes(errorOrAttributes));
  }

  /** Like `error`, at FATAL severity. */
  fatal(message: string, errorOrAttributes?: unknown): void {
    this.#emit('fatal', message, asAttributes(errorOrAttributes));
  }

  /** A logger for the same module whose records all carry `bindings` (call-site attributes win). */
  child(bindings: LogAttributes): Logger {
    let merged: Attributes;
    try {
      merged = { ...this.#bindings, ...normalizeAttributes(bindings, this.#limits) };
    } catch (error) {
      this.#reportInternalError('Logger.child', error);
      merged = { ...this.#bindings };
    }
    return new Logger(this.name, this.#otel, this.#reportInternalError, this.#limits, this.#gate, merged);
  }

  /** Whether a record of this severity could be kept here and now (level and sampling policy). */
  isEnabled(severity: SeverityName): boolean {
    try {
      return this.#otel.enabled({ severityNumber: SEVERITY_NUMBER_BY_NAME[severity] });
    } catch (error) {
      this.#reportInternalError('Logger.isEnabled', error);
      return false;
    }
  }

  /**
   * For log bridges: whether a record of `severityNumber`, written in `ctx` (default: the active
   * context), passes the level, the sampling policy and the facade's gate, exactly as a facade
   * call would. Asked before another logger serialises a line, so a dropped line costs nothing
   * more; the decision is kept for the `emitForeign` of the same record, which asks again.
   */
  wouldEmit(severityNumber: number, ctx: Context = context.active(), carriesRequestId = false): boolean {
    try {
      if (!this.#otel.enabled({ severityNumber, context: ctx })) return false;
      return this.#gate(severityNumber, ctx, carriesRequestId);
    } catch (error) {
      this.#reportInternalError('Logger.wouldEmit', error);
      return false;
    }
  }

  /**
   * For log bridges: emits a record another logger wrote, after the same gates as the facade's
   * own records (`wouldEmit`), with its attributes normalised within the same limits. Never throws.
   */
  emitForeign(record: ForeignRecord): void {
    try {
      const ctx = record.context ?? context.active();
      if (!this.wouldEmit(record.severityNumber, ctx, record.carriesRequestId === true)) return;
      this.#otel.emit({
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        body: record.body,
        timestamp: record.timestamp,
        attributes: this.#foreignAttributes(record),
        context: ctx,
      });
    } catch (error) {
      this.#reportInternalError('Logger.emitForeign', error);
    }
  }

  #emit(severity: SeverityName, message: string, attributes: LogAttributes | undefined): void {
    try {
      const severityNumber = SEVERITY_NUMBER_BY_NAME[severity];
      // Fast gate: a record the level or the policy drops for sure costs no allocation. The SDK's
      // gate decides what it can; ours decides the rest (records outside requests and traces).
      if (!this.#otel.enabled({ severityNumber })) return;
      if (!this.#gate(severityNumber, context.active(), this.#carriesRequestId(attributes))) return;
      this.#otel.emit({
        severityNumber,
        severityText: SEVERITY_TEXT_BY_NAME[severity],
        body: typeof message === 'string' ? message : String(message),
        attributes: this.#attributesFor(attributes),
      });
    } catch (error) {
      this.#reportInternalError(`Logger.${severity}`, error);
    }
  }

  #foreignAttributes(record: ForeignRecord): Attributes | undefined {
    const attributes =
      record.attributes === undefined ? undefined : normalizeAttributes(record.attributes, this.#limits);
    if (record.exception === undefined) return attributes;
    return { ...attributes, ...exceptionAttributes(record.exception, this.#limits) };
  }

  /** Whether the record will carry a `request.id` of its own (bindings or call attributes). */
  #carriesRequestId(attributes: LogAttributes | undefined): boolean {
    if (this.#bindings !== undefined && this.#bindings[REQUEST_ID_ATTRIBUTE] !== undefined) return true;
    if (attributes === undefined) return false;
    try {
      return Object.hasOwn(attributes, REQUEST_ID_ATTRIBUTE);
    } catch {
      return true;
    }
  }

  #attributesFor(attributes: LogAttributes | undefined): Attributes | undefined {
    if (attributes === undefined) return this.#bindings;
    const normalized = normalizeCallAttributes(attributes, this.#limits);
    return this.#bindings === undefined ? normalized : { ...this.#bindings, ...normalized };
  }
}

function asAttributes(value: unknown): LogAttributes | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Error) return { err: value };
  if (typeof value === 'object') return value as LogAttributes;
  return { err: value };
}
