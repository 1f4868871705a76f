/**
 * A quick A/B for the HTTP path: a few of the HTTP scenario's servers, alternating rounds,
 * medians of requests per second and of server CPU per request. For iterating on the
 * integrations; `npm run bench -- --only http` is the measurement of record.
 *
 *   npx node --expose-gc bench/http-cases.ts --cases 'fastify bare,fastify + logweave 10 % INFO' [--rounds 5] [--seconds 2]
 */
import { parseArgs } from 'node:util';
import { generateLoad } from './http/load-generator.ts';
import { startServerProcess, type ServerHandle } from './http/server-handle.ts';
import { HTTP_VARIANTS, isHttpVariant } from './http/variants.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
  },
});
const names = (values.cases ?? '').split(',').map((name) => name.trim());
const invalid = names.filter((name) => !isHttpVariant(name));
if (values.cases === undefined || invalid.length > 0) {
  console.error(`--cases takes a comma-separated list of:\n${HTTP_VARIANTS.map((v) => `  ${v}`).join('\n')}`);
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

const servers: ServerHandle[] = [];
for (const name of names) {
  const started = await startServerProcess(name as (typeof HTTP_VARIANTS)[number]);
  if ('unavailable' in started) throw new Error(`${name}: ${started.unavailable}`);
  servers.push(started);
}

interface Samples {
  rps: number[];
  cpu: number[];
}
const samples = new Map<ServerHandle, Samples>(servers.map((s) => [s, { rps: [], cpu: [] }]));

async function round(server: ServerHandle, roundSeconds: number, into?: Samples): Promise<void> {
  const before = await server.flush();
  const started = process.hrtime.bigint();
  const load = await generateLoad(server.url, roundSeconds);
  const after = await server.flush();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  into?.rps.push(load.requests.total / elapsed);
  into?.cpu.push((after.cpuMicros - before.cpuMicros) / Math.max(1, load.requests.total));
}

const median = (list: number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

try {
  for (const server of servers) await round(server, 1.5);
  for (let r = 0; r < rounds; r++) {
    for (let offset = 0; offset < servers.length; offset++) {
      const server = servers[(r + offset) % servers.length]!;
      await round(server, seconds, samples.get(server));
    }
  }
} finally {
  await Promise.all(servers.map((s) => s.close()));
}
const first = median(samples.get(servers[0]!)!.rps);
for (const server of servers) {
  const s = samples.get(server)!;
  const rps = median(s.rps);
  console.log(
    `${server.variant.padEnd(36)} ${Math.round(rps).toLocaleString('en-US').padStart(7)} req/s  ${(rps / first).toFixed(2)}×  ${median(s.cpu).toFixed(1).padStart(5)} µs CPU/request`,
  );
}
