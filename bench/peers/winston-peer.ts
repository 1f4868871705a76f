import { createWriteStream } from 'node:fs';
import winston from 'winston';
import { waitUntil } from '../harness/event-loop.ts';
import { requestFields } from './request-store.ts';

export interface WinstonPeer {
  logger: winston.Logger;
  /** Resolves once every line logged so far has been handed to the file system. */
  drain(): Promise<void>;
}

/**
 * winston as its docs configure it for JSON lines: a format that stamps the request fields
 * from the same AsyncLocalStorage as the pino peer, a timestamp, JSON, and a stream transport to
 * /dev/null. winston is stream-based, so lines wait in stream buffers; `drain` waits for them.
 */
export function createWinstonPeer(): WinstonPeer {
  const stream = createWriteStream('/dev/null');
  const stampRequest = winston.format((info) => Object.assign(info, requestFields()));
  const transport = new winston.transports.Stream({ stream });
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.combine(stampRequest(), winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
  return {
    logger,
    drain: () =>
      waitUntil(
        () =>
          logger.readableLength === 0 &&
          logger.writableLength === 0 &&
          transport.writableLength === 0 &&
          stream.writableLength === 0 &&
          !stream.pending,
        'winston to drain',
      ),
  };
}
