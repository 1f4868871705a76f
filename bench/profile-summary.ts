/**
 * Summarises a V8 `.cpuprofile` (from `npx node --cpu-prof …`) as the functions with the most
 * self time, and the files/packages they live in, so a missed goal can be explained by what
 * dominates.
 *
 *   npx node bench/profile-summary.ts PROFILE.cpuprofile [--top 25] [--callers FUNCTION_NAME]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    callers: { type: 'string' },
  },
});
const path = positionals[0];
if (path === undefined) {
  console.error('usage: npx node bench/profile-summary.ts PROFILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;

const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** `node_modules/@opentelemetry/sdk-logs/…` → `@opentelemetry/sdk-logs`; our files keep their path. */
function ownerOf(url: string): string {
  if (url === '') return '(native / V8)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match !== null) return match[1]!;
  if (url.startsWith('node:')) return 'node core';
  const local = /\/(src|bench|integrations|test)\/.*$/.exec(url);
  return local !== null ? local[0].slice(1) : url;
}

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const frame = nodeById.get(id)!.callFrame;
  const owner = ownerOf(frame.url);
  const name = `${frame.functionName || '(anonymous)'}  ${owner}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
  total += micros;
}

function print(title: string, entries: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
}

/* Inclusive time: a function's self time plus everything below it (counted once per stack). */
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const frameName = (id: number): string => {
  const frame = nodeById.get(id)!.callFrame;
  return `${frame.functionName || '(anonymous)'}  ${ownerOf(frame.url)}:${frame.lineNumber + 1}`;
};
const inclusive = new Map<string, number>();
const callers = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const seen = new Set<string>();
  let matchedBelow = values.callers !== undefined && frameName(id).startsWith(values.callers);
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const name = frameName(at);
    if (!seen.has(name)) {
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
      if (matchedBelow && !name.startsWith(values.callers!))
        callers.set(name, (callers.get(name) ?? 0) + micros);
    }
    if (values.callers !== undefined && name.startsWith(values.callers)) matchedBelow = true;
  }
}

console.log(`${path}: ${(total / 1000).toFixed(0)} ms sampled`);
print('self time by package / file', byOwner);
print('self time by function', byFunction);
print('inclusive time by function (self + callees)', inclusive);
if (values.callers !== undefined) print(`frames above "${values.callers}" (its callers, inclusive)`, callers);
