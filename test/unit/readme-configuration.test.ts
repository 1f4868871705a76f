import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { z } from 'zod';
import { optionsSchema } from '../../src/config/options-schema.ts';
import { SAMPLING_DEFAULTS } from '../../src/processors/sampling-processor.ts';
import { BUILT_IN_DEFAULTS } from '../../src/sampling/sampling-policy.ts';
import { createLogging } from '../../src/index.ts';

/*
 * The README's configuration reference must not drift from the code: every option of the
 * schema has a row, every environment variable src/config reads is named, and each default in the
 * table is the value the code resolves.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('## Configuration reference'),
  readme.indexOf('<!-- section:sampling -->'),
);
/** Rows by their option cell (which may name several options: `a.b.trace` / `.debug`). */
const rows = new Map<string, string[]>();
for (const line of section.split('\n')) {
  const cells = line.split('|').map((cell) => cell.trim());
  if ((cells[1] ?? '').startsWith('`')) rows.set(cells[1] ?? '', cells.slice(2, -1));
}

function optionPaths(schema: z.ZodType, prefix: string): string[] {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape).flatMap(([key, value]) =>
      optionPaths(value as z.ZodType, prefix === '' ? key : `${prefix}.${key}`),
    );
  }
  return [prefix];
}

function rowFor(path: string): string[] | undefined {
  const last = path.split('.').at(-1) ?? '';
  const parent = path.slice(0, path.length - last.length - 1);
  for (const [optionCell, cells] of rows) {
    if (optionCell.startsWith(`\`${path}\``)) return cells;
    if (parent !== '' && optionCell.startsWith(`\`${parent}.`) && optionCell.includes(`\`.${last}\``))
      return cells;
  }
  return undefined;
}

test('every option of the schema has a row in the README configuration reference', () => {
  const missing = optionPaths(optionsSchema, '').filter((path) => rowFor(path) === undefined);
  assert.deepEqual(missing, []);
});

test('every environment variable src/config reads is in the README configuration reference', () => {
  const configDir = new URL('../../src/config/', import.meta.url);
  const read = new Set<string>();
  for (const file of readdirSync(configDir)) {
    const source = readFileSync(new URL(file, configDir), 'utf8');
    for (const match of source.matchAll(/'((?:OTEL|LOGWEAVE)_[A-Z0-9_]+|TRACEPARENT|TRACESTATE|BAGGAGE)'/g)) {
      read.add(match[1] ?? '');
    }
  }
  read.delete('LOGWEAVE_ERR_CONFIG'); // an error code, not a variable
  const missing = [...read].filter((name) => !section.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
  assert.ok(read.size >= 40, `found only ${read.size} variables: the scan is broken`);
});

test('the defaults in the table are the values the code resolves', async () => {
  const logging = createLogging({ env: {}, exporter: 'none', handleSignals: false });
  await logging.shutdown();
  const resolved = logging.resolvedOptions as unknown as Record<string, unknown>;
  const expected = new Map<string, unknown>();
  const collect = (value: unknown, prefix: string): void => {
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [key, entry] of Object.entries(value))
        collect(entry, prefix === '' ? key : `${prefix}.${key}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      expected.set(prefix, value);
    }
  };
  for (const key of ['serviceName', 'level', 'otlp', 'file', 'batch', 'limits', 'requestId', 'delivery']) {
    collect(resolved[key], key);
  }
  expected.set('shutdownTimeoutMillis', resolved['shutdownTimeoutMillis']);
  expected.set('diagnosticIntervalMillis', resolved['diagnosticIntervalMillis']);
  expected.set('handleSignals', true); // the test turned it off; the default is on
  expected.set('sampling.errorBuffer.maxRecords', SAMPLING_DEFAULTS.errorBufferMaxRecords);
  expected.set('sampling.errorBuffer.maxBytes', SAMPLING_DEFAULTS.errorBufferMaxBytes);
  expected.set('sampling.errorBuffer.maxTotalBytes', SAMPLING_DEFAULTS.errorBufferMaxTotalBytes);
  expected.set('sampling.errorBuffer.maxAgeMillis', SAMPLING_DEFAULTS.errorBufferMaxAgeMillis);
  expected.set('sampling.burst.perTemplatePerSecond', SAMPLING_DEFAULTS.burstPerTemplatePerSecond);
  expected.set('sampling.default.warn', BUILT_IN_DEFAULTS.warn);
  expected.set('sampling.default.info', BUILT_IN_DEFAULTS.info);

  const wrong: string[] = [];
  for (const [path, value] of expected) {
    const defaultCell = rowFor(path)?.[1];
    if (defaultCell === undefined) wrong.push(`${path}: no row`);
    else if (!defaultCell.includes(`\`${String(value)}\``))
      wrong.push(`${path}: code ${String(value)}, README ${defaultCell}`);
  }
  assert.deepEqual(wrong, []);
  assert.ok(expected.size >= 30);
});
