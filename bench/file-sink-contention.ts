/**
 * Four processes writing to one rotating file sink: each writer's event-loop delay (p99, max)
 * with and without rotation, and with a rotate lock left behind by a dead writer, for this
 * checkout and optionally another one (e.g. the base commit), interleaved round by round so
 * machine noise hits both alike. Also checks what the sink promises: every record exactly once,
 * no corrupt line, and reports how far a file grew past `maxBytes`.
 *
 *   npx node bench/file-sink-contention.ts [--other /tmp/logweave-base] [--rounds 3]
 *   RATE=2000 SECONDS=3 MAX_FILES=1000 npx node bench/file-sink-contention.ts
 *
 * The other tree must resolve the same node_modules (a symlink to this one's is enough).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { flattenRequest } from '../test/helpers/otlp-records.ts';
import { median } from './harness/statistics.ts';

const { values } = parseArgs({
  options: { other: { type: 'string' }, rounds: { type: 'string', default: '3' } },
});
const WRITERS = 4;
const RATE = Number(process.env['RATE'] ?? 2000);
const SECONDS = Number(process.env['SECONDS'] ?? 3);
const MAX_FILES = Number(process.env['MAX_FILES'] ?? 1000);
const ROTATING_MAX_BYTES = 64 * 1024;
const writerScript = fileURLToPath(new URL('./file-sink/writer.ts', import.meta.url));

const trees: Record<string, string> = { this: new URL('../src/index.ts', import.meta.url).href };
if (values.other !== undefined) trees['other'] = pathToFileURL(resolve(values.other, 'src/index.ts')).href;

type Scenario = 'no rotation' | 'rotation' | 'stale lock';
const SCENARIOS: Scenario[] = ['no rotation', 'rotation', 'stale lock'];

interface WriterResult {
  p50: number;
  p99: number;
  max: number;
  exported: number;
}
interface RunResult {
  p99: number[];
  max: number;
  files: number;
  overflowBytes: number;
  overflowLines: number;
  corrupt: number;
  missing: number;
  duplicates: number;
}

/** A pid no process has any more: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

async function runOnce(index: string, scenario: Scenario): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-file-bench-'));
  const path = join(dir, 'logs.jsonl');
  const maxBytes = scenario === 'no rotation' ? 2 ** 30 : ROTATING_MAX_BYTES;
  // What a writer killed in the middle of a rotation leaves: a lock naming its pid, just made.
  if (scenario === 'stale lock') writeFileSync(`${path}.rotate-lock`, String(deadPid()));
  try {
    const writers = Array.from({ length: WRITERS }, async (_, worker) => {
      const child = spawn(process.execPath, [writerScript], {
        env: {
          ...process.env,
          LOGWEAVE_INDEX: index,
          WORKER: String(worker),
          RATE: String(RATE),
          SECONDS: String(SECONDS),
          FILE_PATH: path,
          MAX_BYTES: String(maxBytes),
          MAX_FILES: String(MAX_FILES),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const [code] = (await once(child, 'exit')) as [number | null];
      if (code !== 0) throw new Error(`writer ${worker} exited with ${code}`);
      return JSON.parse(stdout) as WriterResult;
    });
    const results = await Promise.all(writers);
    const files = readdirSync(dir).filter((name) => /^logs\.jsonl(\.\d+)?$/.test(name));
    const seen = new Map<string, number>();
    let corrupt = 0;
    let overflowBytes = 0;
    let overflowLines = 0;
    for (const name of files) {
      const file = join(dir, name);
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      if (lines.at(-1) !== '') corrupt++;
      // Lines that end past maxBytes: written while another writer was rotating. A line larger
      // than maxBytes in a file of its own is not an overflow.
      if (lines.length > 2) {
        overflowBytes = Math.max(overflowBytes, statSync(file).size - maxBytes);
        let end = 0;
        let past = 0;
        for (const line of lines.slice(0, -1)) {
          end += Buffer.byteLength(line) + 1;
          if (end > maxBytes) past++;
        }
        overflowLines = Math.max(overflowLines, past);
      }
      for (const line of lines.slice(0, -1)) {
        try {
          for (const record of flattenRequest(JSON.parse(line))) {
            const key = `${String(record.attributes['worker'])}:${String(record.attributes['index'])}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        } catch {
          corrupt++;
        }
      }
    }
    const expected = WRITERS * Math.round(RATE * SECONDS);
    return {
      p99: results.map((result) => result.p99),
      max: Math.max(...results.map((result) => result.max)),
      files: files.length,
      overflowBytes,
      overflowLines,
      corrupt,
      missing: expected - seen.size,
      duplicates: [...seen.values()].filter((count) => count > 1).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `# file sink, ${WRITERS} writers, ${RATE} lines/s each for ${SECONDS} s, rotating at ${ROTATING_MAX_BYTES} bytes, maxFiles ${MAX_FILES}`,
);
console.log(
  `load average at start: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ')}`,
);
const collected = new Map<string, RunResult[]>();
const rounds = Number(values.rounds);
for (let round = 0; round < rounds; round++) {
  const order = Object.keys(trees);
  if (round % 2 === 1) order.reverse();
  for (const scenario of SCENARIOS) {
    for (const tree of order) {
      const result = await runOnce(trees[tree]!, scenario);
      const key = `${tree}|${scenario}`;
      collected.set(key, [...(collected.get(key) ?? []), result]);
    }
  }
}
console.log(
  `load average at end: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ')}`,
);
console.log(
  '\n| tree | scenario | writer p99, median (ms) | writer p99, worst (ms) | max (ms) | files | past maxBytes, worst file (bytes / lines) | corrupt | missing | duplicated |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const tree of Object.keys(trees)) {
  for (const scenario of SCENARIOS) {
    const runs = collected.get(`${tree}|${scenario}`)!;
    const p99s = runs.flatMap((run) => run.p99);
    console.log(
      `| ${tree} | ${scenario} | ${median(p99s).toFixed(1)} | ${Math.max(...p99s).toFixed(1)} | ` +
        `${Math.max(...runs.map((run) => run.max)).toFixed(1)} | ${median(runs.map((run) => run.files))} | ` +
        `${Math.max(...runs.map((run) => run.overflowBytes))} / ${Math.max(...runs.map((run) => run.overflowLines))} | ${runs.reduce((sum, run) => sum + run.corrupt, 0)} | ` +
        `${runs.reduce((sum, run) => sum + run.missing, 0)} | ${runs.reduce((sum, run) => sum + run.duplicates, 0)} |`,
    );
  }
}
