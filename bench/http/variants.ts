/** The HTTP contenders of issue 5 / issue 7, each served by `server-process.ts`. */
export const HTTP_VARIANTS = [
  'express bare',
  'express + pino-http',
  'express + logweave 10 % INFO',
  'express + logweave 100 % INFO',
  'fastify bare',
  'fastify logger: true',
  'fastify + @fastify/request-context',
  'fastify + logweave 10 % INFO',
  'fastify + logweave 100 % INFO',
] as const;

export type HttpVariant = (typeof HTTP_VARIANTS)[number];

export function isHttpVariant(name: string): name is HttpVariant {
  return (HTTP_VARIANTS as readonly string[]).includes(name);
}

/** Messages from a server process to the runner. */
export type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'unavailable'; reason: string }
  | {
      type: 'flushed';
      exportedRecords: number;
      diagnostics: string[];
      rssBytes: number;
      heapUsedBytes: number;
      /** User + system CPU time the server process used so far, in microseconds. */
      cpuMicros: number;
    };

/** Messages from the runner to a server process. */
export type RunnerMessage = { type: 'flush' } | { type: 'close' };
