import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import ts from 'typescript';
import { z } from 'zod';
import { ENV_TABLE } from '../../src/config/env-table.ts';
import { optionsSchema } from '../../src/config/options-schema.ts';
import { DEFAULTS } from '../../src/index.ts';

/*
 * Every default is stated once, in `DEFAULTS` (src/core/defaults.ts). The README's configuration
 * reference and the options' JSDoc must say the same: every option of the schema has a row, every
 * environment variable of the env table is named, and each default in the table and in the JSDoc
 * is the value in `DEFAULTS`.
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

/** `DEFAULTS` flattened to dotted option paths (the `http` and `bridges` sections belong to the integrations). */
function defaultsByPath(): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  const walk = (value: unknown, prefix: string): void => {
    if (value !== null && typeof value === 'object') {
      for (const [key, entry] of Object.entries(value)) walk(entry, prefix === '' ? key : `${prefix}.${key}`);
    } else flat.set(prefix, value);
  };
  walk(DEFAULTS, '');
  return flat;
}

test('every option of the schema has a row in the README configuration reference', () => {
  const missing = optionPaths(optionsSchema, '').filter((path) => rowFor(path) === undefined);
  assert.deepEqual(missing, []);
});

test('every environment variable of the env table is in the README configuration reference', () => {
  const missing = ENV_TABLE.map((entry) => entry.name).filter((name) => !section.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
  assert.ok(ENV_TABLE.length >= 40, `the table lists only ${ENV_TABLE.length} variables`);
});

test('no file of src/config reads a variable the env table does not list', () => {
  const listed = new Set(ENV_TABLE.map((entry) => entry.name));
  const unlisted: string[] = [];
  for (const file of ['env-table.ts', 'read-environment.ts', 'resolve-options.ts', 'config-reloader.ts']) {
    const source = readFileSync(new URL(`../../src/config/${file}`, import.meta.url), 'utf8');
    for (const match of source.matchAll(/'((?:OTEL|LOGWEAVE)_[A-Z0-9_]+)'/g)) {
      if (!listed.has(match[1] ?? '') && match[1] !== 'LOGWEAVE_ERR_CONFIG') unlisted.push(match[1] ?? '');
    }
  }
  assert.deepEqual(unlisted, []);
});

test('the defaults in the README table are the values in DEFAULTS', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const [path, value] of defaultsByPath()) {
    // The integrations' sections: their options are documented where each integration is.
    if (path.startsWith('http.') || path.startsWith('bridges.')) continue;
    const defaultCell = rowFor(path)?.[1];
    checked++;
    if (defaultCell === undefined) wrong.push(`${path}: no row`);
    else if (!defaultCell.includes(`\`${String(value)}\``))
      wrong.push(`${path}: DEFAULTS ${String(value)}, README ${defaultCell}`);
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 40, `only ${checked} defaults checked`);
});

test('the resolved options are DEFAULTS when nothing is configured', async () => {
  const { createLogging } = await import('../../src/index.ts');
  const logging = createLogging({ env: {}, exporter: 'none', handleSignals: false });
  await logging.shutdown();
  const resolved = logging.resolvedOptions;
  assert.deepEqual(resolved.batch, DEFAULTS.batch);
  assert.deepEqual(resolved.limits, DEFAULTS.limits);
  assert.deepEqual(resolved.file, DEFAULTS.file);
  assert.deepEqual(resolved.delivery, DEFAULTS.delivery);
  assert.deepEqual(resolved.requestId, DEFAULTS.requestId);
  assert.deepEqual({ ...resolved.otlp, headers: undefined }, { ...DEFAULTS.otlp, headers: undefined });
  assert.equal(resolved.serviceName, DEFAULTS.serviceName);
  assert.equal(resolved.shutdownTimeoutMillis, DEFAULTS.shutdownTimeoutMillis);
});

/** Which DEFAULTS section each options interface documents. */
const INTERFACE_PATHS: Record<string, string> = {
  LoggingOptions: '',
  OtlpOptions: 'otlp',
  FileSinkOptions: 'file',
  BatchOptions: 'batch',
  LimitOptions: 'limits',
  RequestIdOptions: 'requestId',
  DeliveryOptions: 'delivery',
  RedactionOptions: 'redaction',
  ErrorBufferOptions: 'sampling.errorBuffer',
  BurstOptions: 'sampling.burst',
  SeverityProbabilities: 'sampling.default',
  HttpIntegrationOptions: 'http',
  BridgeOptions: 'bridges',
  LogweavePinoOptions: 'bridges.pino',
  LogweaveWinstonOptions: 'bridges.winston',
};
const OPTION_FILES = [
  'src/config/logging-options.ts',
  'src/config/delivery-options.ts',
  'src/config/redaction-options.ts',
  'src/config/sampling-options.ts',
  'src/http/http-options.ts',
  'src/bridges/bridge-options.ts',
];

/** `Default: 2048.`, `Default: 1000 ms.`, ``Default: `http/protobuf`.`` → the stated value. */
function statedDefault(doc: string): string | undefined {
  const match = /Default(?: \(in `default`\))?: (`[^`]*`|[^\s.,;)]+)/.exec(doc);
  return match?.[1]?.replace(/^`|`$/g, '');
}

test('every option whose default is in DEFAULTS states that default in its JSDoc', () => {
  const defaults = defaultsByPath();
  const wrong: string[] = [];
  let checked = 0;
  for (const file of OPTION_FILES) {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const prefix = INTERFACE_PATHS[node.name.text];
      if (prefix === undefined) return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
        const path = prefix === '' ? member.name.text : `${prefix}.${member.name.text}`;
        if (!defaults.has(path)) continue;
        checked++;
        const doc = ts
          .getJSDocCommentsAndTags(member)
          .map((comment) => comment.getText())
          .join('\n')
          .replace(/\s*\n\s*\*\s*/g, ' ');
        const stated = statedDefault(doc);
        if (stated !== String(defaults.get(path))) {
          wrong.push(
            `${file} ${path}: DEFAULTS ${String(defaults.get(path))}, JSDoc ${stated ?? 'says nothing'}`,
          );
        }
      }
    });
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 35, `only ${checked} JSDoc defaults checked`);
});
