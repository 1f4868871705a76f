import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseConfigText, readConfigText } from './config-file.ts';
import { LogweaveConfigError } from '../core/config-error.ts';
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
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  readonly #path: string;
  #lastText: string | undefined;
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #onSignal = (): void => {
    this.reload();
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

  /** Reads, validates and applies the file now. */
  reload(): ConfigReloadResult {
    if (this.#closed) {
      return { ok: false, error: new LogweaveConfigError('config', 'an open logging pipeline', 'shut down') };
    }
    let text: string;
    try {
      // Bounded read: a file replaced by something huge must not be slurped into memory.
      text = readConfigText(this.#path);
    } catch (error) {
      return this.#failed(error as LogweaveConfigError);
    }
    if (text === this.#lastText) return { ok: true, changed: false };
    try {
      const parsed = parseConfigText(text, this.#options.path);
      this.#options.applySampling(parsed.sampling);
    } catch (error) {
      return this.#failed(
        error instanceof LogweaveConfigError
          ? error
          : new LogweaveConfigError(
              this.#options.path,
              'a usable sampling section',
              (error as Error).message,
              {
                cause: error,
              },
            ),
      );
    }
    this.#lastText = text;
    return { ok: true, changed: true };
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#debounce !== undefined) clearTimeout(this.#debounce);
    process.removeListener('SIGHUP', this.#onSignal);
  }

  #failed(error: LogweaveConfigError): ConfigReloadResult {
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
        this.#debounce = setTimeout(() => this.reload(), CONFIG_RELOAD_DEBOUNCE_MILLIS);
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
