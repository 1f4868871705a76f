import { context, type Context } from '@opentelemetry/api';
import { REQUEST_ID_ATTRIBUTE } from '../core/attribute-names.ts';
import type { ResolvedBridgeOptions } from './bridge-options.ts';
import type { LoggerSource } from './logger-source.ts';
import { severityOfWinstonLevel } from './winston-levels.ts';
import { winstonInfoParts } from './winston-info.ts';

/** winston's own key for the level before any format (colorize) touched `info.level` (triple-beam). */
const LEVEL = Symbol.for('level');
/** The context an info object was logged in, set when the logger received it. */
const LOGGED_IN = Symbol('logweave.winston.context');
/** Marks a winston logger whose `write` already stamps contexts. */
const STAMPING = Symbol('logweave.winston.stamping');

/** The part of a winston logger the bridge touches: the `write` every `logger.log()` goes through. */
export interface WinstonLoggerLike {
  write(chunk: unknown, ...rest: unknown[]): boolean;
}

/**
 * Sends winston info objects into logweave, each in the context it was logged in.
 *
 * winston hands a record to its transports through streams: when a slow transport beside ours
 * holds the stream back, records reach ours later, from another request's callback. So the
 * context is taken when the logger receives the record: `stampContexts` wraps that logger's own
 * `write` (every `logger.info()`, child loggers included, goes through it) to remember the
 * active context on the info object, and `log` uses it, or the active context when it is missing.
 */
export class WinstonBridge {
  readonly #source: LoggerSource;
  readonly #options: ResolvedBridgeOptions;

  constructor(source: LoggerSource, options: ResolvedBridgeOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** Makes `logger` remember each record's context (once per logger; other transports see no change). */
  static stampContexts(logger: WinstonLoggerLike): void {
    const target = logger as WinstonLoggerLike & { [STAMPING]?: true };
    if (target[STAMPING] === true) return;
    const write = logger.write;
    Object.defineProperty(target, STAMPING, { value: true });
    target.write = function writeWithContext(this: WinstonLoggerLike, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'object' && chunk !== null && !Object.hasOwn(chunk, LOGGED_IN)) {
        try {
          // Not enumerable: formats and other transports that print the info object never see it.
          Object.defineProperty(chunk, LOGGED_IN, { value: context.active(), configurable: true });
        } catch {
          // A frozen info object: `log` falls back to the active context.
        }
      }
      return write.call(this, chunk, ...rest);
    };
  }

  /** One info object from winston; never throws into the logging call. */
  log(info: Readonly<Record<string | symbol, unknown>>): void {
    try {
      const ctx = (info[LOGGED_IN] as Context | undefined) ?? context.active();
      const level = info[LEVEL] ?? info['level'];
      const module = info[this.#options.moduleKey];
      const target = this.#source.getLogger(
        typeof module === 'string' && module !== '' ? module : this.#options.defaultModule,
      );
      const severityNumber = severityOfWinstonLevel(level);
      const carriesRequestId = Object.hasOwn(info, REQUEST_ID_ATTRIBUTE);
      // Decided before mapping: a sampled-out record costs its gate only.
      if (!target.wouldEmit(severityNumber, ctx, carriesRequestId)) return;
      const parts = winstonInfoParts(info as Readonly<Record<string, unknown>>, this.#options.moduleKey);
      target.emitForeign({
        severityNumber,
        severityText: typeof level === 'string' ? level : String(level),
        body: parts.body,
        attributes: parts.attributes,
        exception: parts.exception,
        context: ctx,
        carriesRequestId,
      });
    } catch (error) {
      this.#source.diagnostics.reportError('logweave/winston transport', error);
    }
  }
}
