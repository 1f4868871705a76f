/**
 * Config parsing figures (issue: reliability, item 3): the cost of hostile or huge config files and
 * how long a reload of a watched file stalls the event loop. Each case runs in its own child process
 * (fresh heap, `--expose-gc`), bounded by a timeout, and prints one JSON line.
 *
 *   npx node bench/config-parse-figures.ts                         this checkout
 *   npx node bench/config-parse-figures.ts --root DIR              another checkout (e.g. an export of main)
 *   npx node bench/config-parse-figures.ts --root OLD --root NEW   both, case by case, side by side
 *   npx node bench/config-parse-figures.ts --only keys40k,reload20k
 *
 * `parse` cases call `parseConfigText()` (what start-up, `logweave check-config` and
 * `logging.reloadConfig()` run); `reload` cases rewrite a watched file and measure the event loop's
 * delay (perf_hooks `monitorEventLoopDelay`, 10 ms resolution) until the reload is applied or reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => `${line(index)}\n`).join('');

/** The largest sampling section a file can hold within the token limit, valid and applied. */
const MODULES_AT_LIMIT = 5_500;
const modulesFile = (count: number): string =>
  `sampling:\n  default: { info: 1 }\n  modules:\n${lines(count, (index) => `    m${index}: { info: 0.5 }`)}`;

interface Case {
  what: string;
  kind: 'parse' | 'reload';
  text: () => string;
}

const CASES: Record<string, Case> = {
  keys40k: { what: '40,000 top-level keys', kind: 'parse', text: () => lines(40_000, (i) => `k${i}: 1`) },
  keys12k: {
    what: '12,000 keys in one map (within the limits)',
    kind: 'parse',
    text: () => lines(12_000, (i) => `k${i}: 1`),
  },
  dashes: { what: '1 MiB of "- - - …" (block nesting)', kind: 'parse', text: () => '- '.repeat(524_287) },
  brackets: { what: '64 KiB of "]" (one error each)', kind: 'parse', text: () => ']'.repeat(65_536) },
  aliases: {
    what: '4,000 anchors, each aliased once',
    kind: 'parse',
    text: () => lines(4_000, (i) => `a${i}: &x${i} 1`) + lines(4_000, (i) => `b${i}: *x${i}`),
  },
  blank: { what: '1 MiB of blank lines', kind: 'parse', text: () => `a: 1\n${'\n'.repeat(1_048_000)}` },
  modulesAtLimit: {
    what: `a valid file of ${MODULES_AT_LIMIT} sampling modules (the largest accepted)`,
    kind: 'parse',
    text: () => modulesFile(MODULES_AT_LIMIT),
  },
  reload20k: {
    what: 'watched file rewritten with 20,000 sampling modules',
    kind: 'reload',
    text: () => modulesFile(20_000),
  },
  reloadAtLimit: {
    what: `watched file rewritten with ${MODULES_AT_LIMIT} sampling modules (largest accepted)`,
    kind: 'reload',
    text: () => modulesFile(MODULES_AT_LIMIT),
  },
};

const { values } = parseArgs({
  options: {
    root: { type: 'string', multiple: true },
    only: { type: 'string' },
    timeout: { type: 'string', default: '180' },
    case: { type: 'string' },
  },
});
const roots = (values.root ?? [join(fileURLToPath(import.meta.url), '..', '..')]).map((root) =>
  resolve(root),
);
const root = roots[0] ?? '.';

if (values.case !== undefined) {
  const selected = CASES[values.case];
  if (selected === undefined) throw new Error(`unknown case ${values.case}`);
  const result = selected.kind === 'parse' ? await runParse(selected) : await runReload(selected);
  console.log(JSON.stringify(result));
} else {
  const names = values.only === undefined ? Object.keys(CASES) : values.only.split(',');
  const [one, five] = loadavg();
  console.log(`node ${process.version}; load average ${one?.toFixed(2)} ${five?.toFixed(2)}`);
  roots.forEach((each, index) => console.log(`checkout ${index + 1}: ${each}`));
  console.log(
    '| case | checkout | bytes | wall ms | CPU ms (parse) / busiest loop turn (reload) | heap growth MiB | event-loop delay max ms | outcome |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---|');
  for (const name of names) {
    const selected = CASES[name];
    if (selected === undefined) throw new Error(`unknown case ${name}`);
    roots.forEach((each, index) => {
      const child = spawnSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--root', each, '--case', name],
        { encoding: 'utf8', timeout: Number(values.timeout) * 1000, maxBuffer: 16 * 1024 * 1024 },
      );
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      const row = `| ${selected.what} | ${index + 1} |`;
      if (child.error !== undefined || !line.startsWith('{')) {
        const why = child.error?.message ?? child.stderr.trim().split('\n').at(-1) ?? 'no output';
        console.log(
          `${row} ${selected.text().length} | > ${values.timeout} s | | | | ${why.slice(0, 120)} |`,
        );
        return;
      }
      const r = JSON.parse(line) as Record<string, number | string | undefined>;
      console.log(
        `${row} ${r.bytes} | ${r.millis} | ${r.cpuMillis ?? r.busiestTurnMillis} | ${r.heapMiB ?? ''} | ${r.loopMaxMillis ?? ''} | ${r.outcome} |`,
      );
    });
  }
  const [oneAfter, fiveAfter] = loadavg();
  console.log(`load average at the end ${oneAfter?.toFixed(2)} ${fiveAfter?.toFixed(2)}`);
}

function outcomeOf(error: unknown): string {
  if (!(error instanceof Error)) return 'accepted';
  const { expected, received } = error as Error & { expected?: string; received?: string };
  return `refused: expected ${(expected ?? '?').slice(0, 90)}, received ${(received ?? error.message).slice(0, 60)}`;
}

async function runParse(selected: Case): Promise<Record<string, number | string>> {
  const { parseConfigText } = (await import(pathToFileURL(join(root, 'src/config/config-file.ts')).href)) as {
    parseConfigText(text: string, origin: string): unknown;
  };
  const text = selected.text();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
  const started = performance.now();
  const cpuBefore = process.threadCpuUsage();
  let outcome: string;
  try {
    parseConfigText(text, 'figures.yaml');
    outcome = 'accepted';
  } catch (error) {
    outcome = outcomeOf(error);
  }
  const millis = performance.now() - started;
  const cpu = process.threadCpuUsage(cpuBefore);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  clearInterval(sampler);
  return {
    bytes: text.length,
    millis: Math.round(millis),
    cpuMillis: Math.round((cpu.user + cpu.system) / 1000),
    heapMiB: Math.round((peak - heapBefore) / 2 ** 20),
    outcome,
  };
}

async function runReload(selected: Case): Promise<Record<string, number | string>> {
  const { createLogging } = (await import(pathToFileURL(join(root, 'src/index.ts')).href)) as {
    createLogging(options: object): { shutdown(): Promise<void>; stats(): { kept: Record<string, number> } };
  };
  const dir = mkdtempSync(join(tmpdir(), 'logweave-figures-'));
  const path = join(dir, 'logweave.yaml');
  writeFileSync(path, 'sampling:\n  default: { info: 0 }\n');
  const reports: string[] = [];
  const logging = createLogging({
    config: path,
    exporter: 'none',
    handleSignals: false,
    diagnosticIntervalMillis: 0,
    diagnosticWriter: (line: string) => reports.push(line),
  }) as ReturnType<typeof createLogging> & { getLogger(name: string): { info(message: string): void } };
  const text = selected.text();
  // A probe record kept only once the new policy (info: 1 by default) is in force.
  const applied = (): boolean => {
    const before = Object.values(logging.stats().kept).reduce((sum, count) => sum + count, 0);
    logging.getLogger('probe').info('probe');
    return Object.values(logging.stats().kept).reduce((sum, count) => sum + count, 0) > before;
  };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  // The most CPU time the event loop's thread spends between two turns of a 5 ms timer: the stall
  // our work causes, which a busy machine does not inflate the way it inflates the delay.
  let previous = process.threadCpuUsage();
  let busiest = 0;
  const sampler = setInterval(() => {
    const now = process.threadCpuUsage();
    busiest = Math.max(busiest, (now.user - previous.user + now.system - previous.system) / 1000);
    previous = now;
  }, 5);
  histogram.enable();
  const started = performance.now();
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  let outcome = 'timed out (120 s)';
  while (performance.now() - started < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const report = reports.find((line) => line.includes('failed'));
    if (report !== undefined) {
      outcome = `refused: ${report.slice(report.indexOf('expected'), report.indexOf('expected') + 70)}`;
      break;
    }
    if (applied()) {
      outcome = 'applied';
      break;
    }
  }
  const millis = performance.now() - started;
  // A stall that ends the wait (the apply) is recorded by the samplers' next turns: let them run.
  await new Promise((resolve) => setTimeout(resolve, 25));
  histogram.disable();
  clearInterval(sampler);
  const now = process.threadCpuUsage();
  busiest = Math.max(busiest, (now.user - previous.user + now.system - previous.system) / 1000);
  await logging.shutdown();
  rmSync(dir, { recursive: true, force: true });
  return {
    bytes: text.length,
    millis: Math.round(millis),
    loopMaxMillis: Math.round(histogram.max / 1e6),
    busiestTurnMillis: Math.round(busiest),
    outcome,
  };
}
