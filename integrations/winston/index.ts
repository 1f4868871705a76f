/**
 * `logweave/winston`: a winston transport that sends every record into logweave's pipeline, in
 * the context it was logged in. No require hook and no instrumentation: it works the same under
 * ESM and CommonJS. Framework glue only; the mapping lives in `src/bridges`.
 */
import winston from 'winston';
import type TransportStreamClass from 'winston-transport';
import { resolveBridgeOptions, type LogweaveWinstonOptions } from '../../src/bridges/bridge-options.ts';
import type { LoggerSource } from '../../src/bridges/logger-source.ts';
import { WinstonBridge, type WinstonLoggerLike } from '../../src/bridges/winston-bridge.ts';
import { LogweaveConfigError } from '../../src/core/config-error.ts';
import { DEFAULTS } from '../../src/core/defaults.ts';

export type { BridgeOptions, LogweaveWinstonOptions } from '../../src/bridges/bridge-options.ts';

/** `new LogweaveWinstonTransport({ logging, ...options })`. */
export interface LogweaveWinstonTransportOptions extends LogweaveWinstonOptions {
  /** What `createLogging()` returned. Required. */
  logging: LoggerSource;
  /** winston's transport level: records below it are not sent. Default: the logger's level. */
  level?: string;
  /** winston's transport switch. Default: false. */
  silent?: boolean;
  /** Also send winston's uncaught-exception records. Default: false. */
  handleExceptions?: boolean;
  /** Also send winston's unhandled-rejection records. Default: false. */
  handleRejections?: boolean;
}

const TRANSPORT_OPTIONS = ['logging', 'level', 'silent', 'handleExceptions', 'handleRejections'];

// winston exports its transport base class as `Transport`; its type declarations name it `transport`.
const TransportStream = (winston as unknown as { Transport: typeof TransportStreamClass }).Transport;

/**
 * A winston transport into logweave. Each record becomes an OTel record with winston's level
 * (the severities `@opentelemetry/winston-transport` uses, npm, syslog and cli names), `message`
 * (body), the error (`exception.*`: `logger.error(err)`, `{ err }`, `format.errors()`) and the
 * meta, `defaultMeta` and `child()` fields as attributes; the module (instrumentation scope, which
 * the sampling rules address) is the `module` field, so `logger.child({ module: 'payments' })`
 * follows the `payments` rule. A record the sampling policy drops is not mapped.
 *
 * It has no `format` of its own: it maps the info object the logger's format produced (formats
 * make text for text transports). It remembers each record's context when the logger receives it
 * (see `WinstonBridge`), so a slow transport beside it cannot give a record another request's id.
 * Throws `LogweaveConfigError` for invalid options.
 *
 * @example
 * const logger = winston.createLogger({
 *   transports: [new winston.transports.Console(), new LogweaveWinstonTransport({ logging })],
 * });
 * logger.child({ module: 'payments' }).info('charge created', { orderId });
 */
export class LogweaveWinstonTransport extends TransportStream {
  readonly #bridge: WinstonBridge;

  constructor(options: LogweaveWinstonTransportOptions) {
    const { logging, level, silent, handleExceptions, handleRejections } = options ?? ({} as never);
    if (typeof logging !== 'object' || logging === null || typeof logging.getLogger !== 'function') {
      throw new LogweaveConfigError(
        'LogweaveWinstonTransport.logging',
        'the object createLogging() returned',
        logging,
      );
    }
    if ((options as { format?: unknown }).format !== undefined) {
      throw new LogweaveConfigError(
        'LogweaveWinstonTransport.format',
        'no format (the transport maps the info object the logger produced; formats make text for text transports)',
        (options as { format?: unknown }).format,
      );
    }
    const resolved = resolveBridgeOptions(
      options,
      'LogweaveWinstonTransport',
      DEFAULTS.bridges.winston.defaultModule,
      TRANSPORT_OPTIONS,
    );
    super({ level, silent, handleExceptions, handleRejections });
    this.#bridge = new WinstonBridge(logging, resolved);
    // winston-transport learns its logger from the 'pipe' event (logger.add pipes to it).
    this.on('pipe', (logger: WinstonLoggerLike) => WinstonBridge.stampContexts(logger));
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.#bridge.log(info);
    // At once: a transport that answers later makes winston buffer every record behind it.
    next();
  }
}
