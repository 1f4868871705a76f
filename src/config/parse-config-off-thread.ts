import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseConfigText } from './config-file.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import type { SerializableOptions } from './options-schema.ts';

/** A reload's parse that takes longer than this (10 s) is abandoned and its worker terminated. */
export const CONFIG_PARSE_TIMEOUT_MILLIS = 10_000;

/**
 * Old-generation heap of the parsing worker (128 MiB). The largest file the limits accept needs
 * about 35 MiB; a parser fault that runs away ends the worker, never the application.
 */
const WORKER_HEAP_MIB = 128;

export interface ConfigParseRequest {
  text: string;
  origin: string;
}

export type ConfigParseOutcome =
  | { ok: true; options: SerializableOptions }
  | { ok: false; path: string; expected: string; received: string };

/** A parse in progress; `cancel()` ends it (its promise then rejects). */
export interface PendingConfigParse {
  result: Promise<SerializableOptions>;
  cancel(): void;
}

// The worker is a sibling file of this module in every form logweave ships in: `.ts` (sources),
// `.mjs` and `.cjs` (dist; tsdown rewrites import.meta.url for CommonJS).
const workerUrl = new URL(`./config-parse-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
let workerAvailable: boolean | undefined;

/**
 * Parses and validates config text in a worker thread, so the calling event loop never waits for
 * the parser. Rejects with `LogweaveConfigError` (the worker's, rebuilt here) for an invalid file,
 * a parse over `timeoutMillis` or a worker that fails. Where the worker file is missing (logweave
 * bundled into one file), parses on the calling thread instead, bounded by the config limits.
 */
export function parseConfigTextOffThread(
  text: string,
  origin: string,
  timeoutMillis: number = CONFIG_PARSE_TIMEOUT_MILLIS,
): PendingConfigParse {
  workerAvailable ??= existsSync(fileURLToPath(workerUrl));
  if (!workerAvailable) {
    return { result: Promise.resolve().then(() => parseConfigText(text, origin)), cancel: () => undefined };
  }
  const request: ConfigParseRequest = { text, origin };
  const worker = new Worker(workerUrl, {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MIB },
  });
  // An application that is otherwise done must not be kept alive by a reload.
  worker.unref();
  let cancel: () => void = () => undefined;
  const result = new Promise<SerializableOptions>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const fail = (expected: string, received: string, cause?: unknown): void =>
      settle(() =>
        reject(new LogweaveConfigError(origin, expected, received, cause === undefined ? {} : { cause })),
      );
    const timer = setTimeout(
      () => fail(`a file parsed within ${timeoutMillis} ms`, 'a parse that took longer'),
      timeoutMillis,
    );
    timer.unref();
    cancel = () => fail('an open logging pipeline', 'shut down');
    worker.once('message', (outcome: ConfigParseOutcome) =>
      settle(() => {
        if (outcome.ok) resolve(outcome.options);
        else {
          const { path, expected, received } = outcome;
          reject(new LogweaveConfigError(path, expected, received, { rendered: true }));
        }
      }),
    );
    worker.once('error', (error) =>
      fail(`a config file parsed in a worker thread (${WORKER_HEAP_MIB} MiB heap)`, error.message, error),
    );
    worker.once('exit', (code) =>
      fail('a config file parsed in a worker thread', `its exit with code ${code}`),
    );
  });
  return { result, cancel: () => cancel() };
}
