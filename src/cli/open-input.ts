import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';

/** An input of `logweave view`: its bytes, decompressed, and how to let go of it early. */
export interface Input {
  readonly name: string;
  readonly stream: Readable;
  close(): void;
}

/**
 * Opens FILE (`-` is stdin). Files ending in `.gz` or `.zst` are decompressed as they are read
 * (rotated files are often compressed by logrotate and friends); a read or decompression error
 * surfaces as an error of `stream`.
 */
export function openInput(file: string, stdin: Readable): Input {
  if (file === '-') return { name: '<stdin>', stream: stdin, close: () => undefined };
  const raw = createReadStream(file);
  const lower = file.toLowerCase();
  const decompress = lower.endsWith('.gz')
    ? createGunzip()
    : lower.endsWith('.zst')
      ? createZstdDecompress()
      : undefined;
  if (decompress === undefined) return { name: file, stream: raw, close: () => raw.destroy() };
  raw.on('error', (error) => decompress.destroy(error));
  raw.pipe(decompress);
  return {
    name: file,
    stream: decompress,
    close: () => {
      raw.destroy();
      decompress.destroy();
    },
  };
}
