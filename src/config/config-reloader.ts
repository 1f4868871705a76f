import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseConfigText, readConfigText } from './config-file.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
import type { SerializableOptions } from './options-schema.ts';
import { parseConfigTextOffThread, type PendingConfigParse } from './parse-config-off-thread.ts';
import type { SamplingOptions } from './sampling-options.ts';

/** What a reload did. */
export type ConfigReloadResult = { ok: true; changed: boolean } | { ok: false; error: LogweaveConfigError };

/** Quiet time after a file event before reading: editors write in several steps. */
export const CONFIG_RELOAD_DEBOUNCE_MILLIS = 100;

export interface ConfigReloaderOptions {
  path: string;
  /** Applies a validated sampling section (undefined: the file has none); may throw, which keeps the old policy. */
  applySampling(sampling: SamplingOptions | undefined): void;
  /** Reports a failed reload (rate-limited by the caller). */
  report(message: string): void;
  /** Watch the file for changes. */
  watch: boolean;
  /** Reload on SIGHUP. */
  signal: boolean;
}

/**
 * Reloads the `sampling` section of the config file on change and on SIGHUP. Only `sampling` is
 * live; the other settings are read once at start. An unreadable or invalid file keeps the policy
 * in force and reports why, with the path of the bad field; it never throws into the process.
 *
 * The directory is watched rather than the file, so editors that save by rename and Kubernetes
 * ConfigMaps that swap a symlink are seen too; the text is compared with the last one applied so
 * unrelated events in the directory cost one read.
 *
 * File changes and SIGHUP parse in a worker thread (`reloadAsync()`), so a reload costs the event
 * loop a bounded read and the apply, never the parse. `reload()` parses on the calling thread, for
 * callers that want the result now; the config limits bound what that costs.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  readonly #path: string;
  #lastText: string | undefined;
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #closed = false;
  /** Every reload takes a number when it reads the file; an older read never replaces a newer one. */
  #reads = 0;
  #appliedRead = 0;
  #running: Promise<ConfigReloadResult> | undefined;
  #queued: Promise<ConfigReloadResult> | undefined;
  #parse: PendingConfigParse | undefined;
  readonly #onSignal = (): void => {
    void this.reloadAsync();
  };

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
    this.#path = resolve(options.path);
    try {
      this.#lastText = readConfigText(this.#path);
    } catch {
      this.#lastText = undefined;
    }
    if (options.watch) this.#watch();
    if (options.signal) process.on('SIGHUP', this.#onSignal);
  }

  /** Reads, validates and applies the file now, parsing on the calling thread. */
  reload(): ConfigReloadResult {
    const read = this.#read();
    if ('result' in read) return read.result;
    try {
      return this.#apply(read.text, read.number, parseConfigText(read.text, this.#options.path));
    } catch (error) {
      return this.#failed(error);
    }
  }

  /**
   * Reads the file now and validates and applies it after parsing it in a worker thread. One parse
   * runs at a time; calls made meanwhile share the one reload queued after it.
   */
  reloadAsync(): Promise<ConfigReloadResult> {
    if (this.#queued !== undefined) return this.#queued;
    if (this.#running === undefined) return this.#start();
    this.#queued = this.#running.then(() => {
      this.#queued = undefined;
      return this.#start();
    });
    return this.#queued;
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#debounce !== undefined) clearTimeout(this.#debounce);
    this.#parse?.cancel();
    process.removeListener('SIGHUP', this.#onSignal);
  }

  #start(): Promise<ConfigReloadResult> {
    const running = this.#reloadOffThread().finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }

  async #reloadOffThread(): Promise<ConfigReloadResult> {
    const read = this.#read();
    if ('result' in read) return read.result;
    let parsed: SerializableOptions;
    try {
      this.#parse = parseConfigTextOffThread(read.text, this.#options.path);
      parsed = await this.#parse.result;
    } catch (error) {
      return this.#closed ? closedResult() : this.#failed(error);
    } finally {
      this.#parse = undefined;
    }
    // Applied in a later turn than the one that received (and deserialised) the parsed file, so
    // the two costs never add up on the event loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.#closed) return closedResult();
    try {
      return this.#apply(read.text, read.number, parsed);
    } catch (error) {
      return this.#failed(error);
    }
  }

  /** The file's text, numbered, or the result when there is nothing to parse. */
  #read(): { text: string; number: number } | { result: ConfigReloadResult } {
    if (this.#closed) return { result: closedResult() };
    const number = ++this.#reads;
    let text: string;
    try {
      // Bounded read: a file replaced by something huge must not be slurped into memory.
      text = readConfigText(this.#path);
    } catch (error) {
      return { result: this.#failed(error) };
    }
    if (text === this.#lastText) return { result: { ok: true, changed: false } };
    return { text, number };
  }

  /** Applies a parsed file unless a later read was applied meanwhile (then it is stale). */
  #apply(text: string, number: number, parsed: SerializableOptions): ConfigReloadResult {
    if (number < this.#appliedRead) return { ok: true, changed: false };
    this.#options.applySampling(parsed.sampling);
    this.#lastText = text;
    this.#appliedRead = number;
    return { ok: true, changed: true };
  }

  #failed(cause: unknown): ConfigReloadResult {
    const error =
      cause instanceof LogweaveConfigError
        ? cause
        : new LogweaveConfigError(this.#options.path, 'a usable sampling section', (cause as Error).message, {
            cause,
          });
    this.#options.report(
      `reloading ${this.#options.path} failed; the previous sampling policy stays in force. ${error.message}`,
    );
    return { ok: false, error };
  }

  #watch(): void {
    const name = basename(this.#path);
    try {
      this.#watcher = watch(dirname(this.#path), { persistent: false }, (_event, changed) => {
        // Symlink swaps (ConfigMaps) name other entries; the text comparison filters no-ops.
        if (changed !== null && changed !== name && !String(changed).startsWith('..')) return;
        if (this.#debounce !== undefined) clearTimeout(this.#debounce);
        this.#debounce = setTimeout(() => void this.reloadAsync(), CONFIG_RELOAD_DEBOUNCE_MILLIS);
        this.#debounce.unref();
      });
      this.#watcher.on('error', (error) => {
        this.#options.report(
          `watching ${this.#options.path} stopped (${error.message}); SIGHUP still reloads it`,
        );
      });
    } catch (error) {
      this.#options.report(
        `cannot watch ${this.#options.path} (${(error as Error).message}); SIGHUP still reloads it`,
      );
    }
  }
}

function closedResult(): ConfigReloadResult {
  return { ok: false, error: new LogweaveConfigError('config', 'an open logging pipeline', 'shut down') };
}
