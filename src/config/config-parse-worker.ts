/**
 * Worker-thread entry (started by parse-config-off-thread.ts): parses and validates one config
 * text and posts the result, so a reload never parses on the application's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseConfigText } from './config-file.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import type { ConfigParseOutcome, ConfigParseRequest } from './parse-config-off-thread.ts';

const { text, origin } = workerData as ConfigParseRequest;
let outcome: ConfigParseOutcome;
try {
  outcome = { ok: true, options: parseConfigText(text, origin) };
} catch (error) {
  outcome =
    error instanceof LogweaveConfigError
      ? { ok: false, path: error.path, expected: error.expected, received: error.received }
      : { ok: false, path: origin, expected: 'a parsable config file', received: String(error) };
}
parentPort?.postMessage(outcome);
