import { createRequire } from 'node:module';

/** The part of autocannon's programmatic result the benchmark reads. */
export interface LoadResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<LoadResult>;

// autocannon ships no types; its programmatic API is the one documented in its README.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Connections kept open by autocannon: enough to saturate one server core on loopback. */
export const CONNECTIONS = 32;

/** Drives `url` with autocannon for `seconds` seconds. */
export function generateLoad(url: string, seconds: number): Promise<LoadResult> {
  return autocannon({ url, connections: CONNECTIONS, pipelining: 1, duration: seconds });
}
