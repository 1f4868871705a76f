import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LogweaveConfigError } from '../core/config-error.ts';
import { MAX_TLS_FILE_BYTES } from '../core/defaults.ts';

/** PEM contents for the OTLP transport's TLS: trusted CAs and, for mTLS, the client key and chain. */
export interface TlsMaterial {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

/** Where each TLS file path came from: an OTel variable's name, or an option path. */
export interface TlsFileSource {
  path: string;
  /** `env:OTEL_EXPORTER_OTLP_CERTIFICATE` or `options.otlp.certificateFile`, for messages. */
  where: string;
}

/**
 * Reads the certificate and key files once, at start, each bounded by `MAX_TLS_FILE_BYTES`. A
 * file named in code or a config file that cannot be read is a `LogweaveConfigError`; one named by
 * an OTel variable is reported in `warnings` and left out (the connection then fails its TLS
 * handshake, which the exporter reports and spools), so a platform's setting never stops the process.
 */
export function readTlsFiles(
  files: { ca?: TlsFileSource; key?: TlsFileSource; cert?: TlsFileSource },
  warnings: string[],
): TlsMaterial {
  const material: TlsMaterial = {};
  for (const name of ['ca', 'key', 'cert'] as const) {
    const source = files[name];
    if (source === undefined) continue;
    try {
      material[name] = readBounded(source.path);
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      const configError = new LogweaveConfigError(
        source.where,
        `a readable PEM file of at most ${MAX_TLS_FILE_BYTES} bytes (${problem})`,
        source.path,
        { cause: error },
      );
      if (!source.where.startsWith('env:OTEL_')) throw configError;
      warnings.push(`${configError.message}; the variable is ignored, as the OTel SDK does`);
    }
  }
  if ((material.key === undefined) !== (material.cert === undefined)) {
    const given = files.key ?? files.cert;
    if (given !== undefined && !given.where.startsWith('env:OTEL_')) {
      throw new LogweaveConfigError(
        given.where,
        'a client key and a client certificate, both (mTLS)',
        given.path,
      );
    }
    warnings.push(
      'OTLP mTLS needs both a client key and a client certificate; only one is configured, so no client certificate is sent',
    );
    delete material.key;
    delete material.cert;
  }
  return material;
}

function readBounded(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_TLS_FILE_BYTES) throw new Error(`the file has ${size} bytes`);
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
