import { context } from '@opentelemetry/api';
import { REQUEST_ID_ATTRIBUTE } from '../core/attribute-names.ts';
import type { ResolvedBridgeOptions } from './bridge-options.ts';
import type { LoggerSource } from './logger-source.ts';
import { severityOfNumericLevel } from './numeric-levels.ts';
import { pinoLineParts, type PinoLineKeys } from './pino-line.ts';

/** pino's own symbols (`pino.symbols`) that say how a logger is configured. */
export interface PinoSymbols {
  readonly streamSym?: symbol;
  readonly messageKeySym?: symbol;
  readonly errorKeySym?: symbol;
}

/** The parts of a pino logger the destination reads (structural: pino 7 and later). */
export interface PinoLoggerLike {
  bindings(): Record<string, unknown>;
  readonly levels?: {
    readonly labels?: Readonly<Record<number, string>>;
    readonly values?: Readonly<Record<string, number>>;
  };
}

/** pino's `hooks.logMethod`: runs before the line is built, with the call's arguments. */
export type PinoLogMethodHook = (
  this: PinoLoggerLike,
  args: unknown[],
  method: (...args: unknown[]) => void,
  level: number,
) => void;

/** What the destination knows about one pino logger (root or child), worked out once. */
interface LoggerFacts {
  readonly module: string;
  readonly carriesRequestId: boolean;
  readonly keys: PinoLineKeys;
}

/** pino's metadata protocol: a destination with this symbol is told the level and logger of each line. */
const PINO_METADATA = Symbol.for('pino.metadata');
const PINO_LEVELS: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/**
 * A pino destination that turns each line into an OTel record in the caller's context: pino
 * writes to a destination synchronously inside the logging call (no transport, no worker), so
 * the active context here is the caller's and the record carries its request id and trace.
 *
 * Sampling is decided before the line is parsed, from pino's metadata (`lastLevel`,
 * `lastLogger`): a dropped line costs the gate, not a `JSON.parse`. With `logMethod` installed as
 * pino's `hooks.logMethod`, and this destination as pino's only stream, the decision is made
 * before pino serialises the line at all.
 */
export class PinoDestination {
  /** Asks pino to set `lastLevel`/`lastLogger` before each write (pino's documented metadata protocol). */
  readonly [PINO_METADATA] = true;
  /** Lets `pino(destination)` take it as the stream (pino tells a stream from options by `writable`). */
  readonly writable = true;
  /** Set by pino before each write. */
  lastLevel: unknown;
  /** Set by pino before each write: the logger (root or child) that wrote the line. */
  lastLogger: unknown;
  /** Set by pino before each write: the call's merge object (after `mixin`). */
  lastObj: unknown;
  /**
   * For pino's `hooks.logMethod`: decides before serialisation, and skips the call for a line
   * logweave drops when this destination is the logger's only stream (a skipped call writes to
   * no stream at all). With other streams beside it (multistream) every call goes on.
   */
  readonly logMethod: PinoLogMethodHook;
  readonly #source: LoggerSource;
  readonly #options: ResolvedBridgeOptions;
  readonly #symbols: PinoSymbols;
  /** Per destination: two destinations with different `moduleKey`s may share a logger. */
  readonly #factsKey = Symbol('logweave.pino.facts');
  readonly #lineKeys: PinoLineKeys;

  constructor(source: LoggerSource, options: ResolvedBridgeOptions, symbols: PinoSymbols = {}) {
    this.#source = source;
    this.#options = options;
    this.#symbols = symbols;
    this.#lineKeys = { messageKey: 'msg', errorKey: 'err', moduleKey: options.moduleKey };
    const drops = (logger: PinoLoggerLike, args: unknown[], level: number): boolean =>
      this.#dropsBeforeSerialising(logger, args, level);
    // A function, not an arrow: pino calls the hook with the logger as `this`.
    this.logMethod = function logweaveLogMethod(args, method, level) {
      if (drops(this, args, level)) return;
      method.apply(this, args);
    };
  }

  /** pino's `DestinationStream.write`: one JSON line. Never throws into the logging call. */
  write(line: string): void {
    const logger = this.lastLogger;
    const level = this.lastLevel;
    const mergeObject = this.lastObj;
    // The metadata describes one write: a later write without it must not inherit it (nor
    // keep the caller's objects alive).
    this.lastLogger = undefined;
    this.lastObj = undefined;
    try {
      const ctx = context.active();
      if (typeof logger === 'object' && logger !== null && typeof level !== 'undefined') {
        const pinoLogger = logger as PinoLoggerLike;
        const levelValue =
          typeof level === 'number' ? level : (pinoLogger.levels?.values?.[String(level)] ?? 30);
        const facts = this.#factsOf(pinoLogger);
        const target = this.#source.getLogger(facts.module);
        const severityNumber = severityOfNumericLevel(levelValue);
        const carriesRequestId = facts.carriesRequestId || mergeObjectCarriesRequestId(mergeObject);
        // Decided before parsing: a sampled-out line costs its gate only.
        if (!target.wouldEmit(severityNumber, ctx, carriesRequestId)) return;
        const parsed = parseLine(line);
        const parts = parsed === undefined ? undefined : pinoLineParts(parsed, facts.keys, Date.now());
        target.emitForeign({
          severityNumber,
          severityText: pinoLogger.levels?.labels?.[levelValue] ?? String(level),
          body: parts === undefined ? line.trimEnd() : parts.body,
          timestamp: parts?.timestamp,
          attributes: parts?.attributes,
          context: ctx,
          carriesRequestId,
        });
        return;
      }
      this.#writeWithoutMetadata(line, ctx);
    } catch (error) {
      this.#source.diagnostics.reportError('logweave/pino destination', error);
    }
  }

  /** A line from a writer that does not speak pino's metadata protocol: the line says it all. */
  #writeWithoutMetadata(line: string, ctx: ReturnType<typeof context.active>): void {
    const parsed = parseLine(line);
    const parts = parsed === undefined ? undefined : pinoLineParts(parsed, this.#lineKeys, Date.now());
    const level = parts?.level;
    const levelValue = typeof level === 'number' ? level : (PINO_LEVELS[String(level)] ?? 30);
    this.#source.getLogger(parts?.module ?? this.#options.defaultModule).emitForeign({
      severityNumber: severityOfNumericLevel(levelValue),
      severityText: typeof level === 'string' ? level : (labelOf(levelValue) ?? String(levelValue)),
      body: parts === undefined ? line.trimEnd() : parts.body,
      timestamp: parts?.timestamp,
      attributes: parts?.attributes,
      context: ctx,
      carriesRequestId: parts !== undefined && REQUEST_ID_ATTRIBUTE in parts.attributes,
    });
  }

  #dropsBeforeSerialising(logger: PinoLoggerLike, args: unknown[], level: number): boolean {
    try {
      const streamSym = this.#symbols.streamSym;
      // A call skipped here is skipped for every stream of the logger: only when pino writes
      // to this destination alone.
      if (streamSym === undefined || (logger as unknown as Record<symbol, unknown>)[streamSym] !== this) {
        return false;
      }
      const facts = this.#factsOf(logger);
      return !this.#source
        .getLogger(facts.module)
        .wouldEmit(
          severityOfNumericLevel(level),
          context.active(),
          facts.carriesRequestId || mergeObjectCarriesRequestId(args[0]),
        );
    } catch (error) {
      this.#source.diagnostics.reportError('logweave/pino logMethod hook', error);
      return false;
    }
  }

  /**
   * The module, request-id binding and keys of a logger, read once per logger and kept on it: a
   * child logger is an object of its own (pino creates it with `Object.create(parent)`), so an
   * own property, not an inherited one, says it was worked out for that very logger.
   */
  #factsOf(logger: PinoLoggerLike): LoggerFacts {
    const key = this.#factsKey;
    if (Object.hasOwn(logger, key))
      return (logger as unknown as Record<symbol, LoggerFacts>)[key] as LoggerFacts;
    const bindings = logger.bindings();
    const module = bindings[this.#options.moduleKey];
    const own = logger as unknown as Record<symbol, unknown>;
    const messageKey =
      this.#symbols.messageKeySym === undefined ? undefined : own[this.#symbols.messageKeySym];
    const errorKey = this.#symbols.errorKeySym === undefined ? undefined : own[this.#symbols.errorKeySym];
    const facts: LoggerFacts = {
      module: typeof module === 'string' && module !== '' ? module : this.#options.defaultModule,
      carriesRequestId: Object.hasOwn(bindings, REQUEST_ID_ATTRIBUTE),
      keys: {
        messageKey: typeof messageKey === 'string' ? messageKey : 'msg',
        errorKey: typeof errorKey === 'string' ? errorKey : 'err',
        moduleKey: this.#options.moduleKey,
      },
    };
    try {
      Object.defineProperty(logger, key, { value: facts });
    } catch {
      // A frozen logger: worked out again next time, still correct.
    }
    return facts;
  }
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    // Not JSON (a custom serialiser): the line is kept whole as the body.
    return undefined;
  }
}

function mergeObjectCarriesRequestId(first: unknown): boolean {
  return typeof first === 'object' && first !== null && Object.hasOwn(first, REQUEST_ID_ATTRIBUTE);
}

function labelOf(level: number): string | undefined {
  for (const [label, value] of Object.entries(PINO_LEVELS)) if (value === level) return label;
  return undefined;
}
