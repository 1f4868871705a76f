import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createLogging,
  getRequestContext,
  injectContext,
  type Logging,
  LogweaveConfigError,
  runWithRequestContext,
} from '../../src/index.ts';
import { memoryPipeline, type MemoryPipeline } from '../helpers/memory-pipeline.ts';
import { FUZZ_SEED } from './secret-corpus.ts';

const RUNS = 10_000;
const CONFIG_RUNS = 300;

/** Names that reach a prototype when code assigns or merges objects carelessly. */
const DANGEROUS = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isAdmin',
  'polluted',
];

/** Every own property name and value of the built-in prototypes, to compare after the run. */
function snapshotPrototypes(): string {
  const prototypes: Array<[string, object]> = [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['Function', Function.prototype],
    ['String', String.prototype],
    ['Map', Map.prototype],
    ['Error', Error.prototype],
  ];
  return prototypes
    .map(([name, prototype]) =>
      Reflect.ownKeys(prototype)
        .map((key) => {
          const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
          return `${name}.${String(key)}:${typeof descriptor?.value}:${typeof descriptor?.get}`;
        })
        .sort()
        .join('\n'),
    )
    .join('\n');
}

/** JSON text with dangerous keys at every depth, parsed as a request body would be. */
const pollutingJson: fc.Arbitrary<string> = fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('1', '"x"', 'true', 'null', '{"polluted":"yes"}', '{"isAdmin":true}'),
      fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...DANGEROUS), fc.string({ maxLength: 6 })), tie('node')), {
          maxLength: 4,
        })
        .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
      fc.array(tie('node'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    ),
  }))
  .node.map((node) => `{"__proto__":${node},"constructor":{"prototype":${node}},"body":${node}}`);

let logging: Logging;
let memory: MemoryPipeline;
const directory = mkdtempSync(join(tmpdir(), 'logweave-pollution-'));
before(() => {
  memory = memoryPipeline({ batch: { scheduledDelayMillis: 600_000 } });
  logging = memory.logging;
});
after(async () => {
  await logging.shutdown();
  rmSync(directory, { recursive: true, force: true });
});

describe('the prototype-pollution corpus leaves every built-in prototype unchanged (fast-check)', () => {
  test(`${RUNS} polluting attribute objects, child bindings, headers and baggage`, async () => {
    const before = snapshotPrototypes();
    const log = logging.getLogger('fuzz.pollution');
    await fc.assert(
      fc.asyncProperty(pollutingJson, fc.constantFrom(...DANGEROUS), async (json, key) => {
        memory.clear();
        const parsed = JSON.parse(json) as Record<string, unknown>;
        log.info('attributes', parsed);
        log.child(parsed).warn('bindings', { [key]: parsed });
        log.error('error', { err: Object.assign(new Error('e'), parsed), ...parsed });
        const headers = JSON.parse(
          `{"__proto__":{"x-request-id":"forged"},"baggage":"${key}=1,__proto__=2,constructor=3","x-request-id":"${key}"}`,
        ) as Record<string, string>;
        runWithRequestContext({ headers }, () => {
          const request = getRequestContext();
          assert.notEqual(request.requestId, 'forged', 'an inherited header is never read');
          const outgoing = injectContext({} as Record<string, string>);
          assert.equal(Object.getPrototypeOf(outgoing), Object.prototype);
        });
        const records = await memory.records();
        assert.equal(records.length, 3, 'no record vanished');
        for (const record of records) {
          assert.equal(
            Object.getPrototypeOf(record.attributes),
            Object.prototype,
            'attributes keep their prototype',
          );
        }
        const attributes = records[0]?.attributes ?? {};
        assert.ok(
          Object.hasOwn(attributes, '[__proto__]'),
          '__proto__ is kept visibly, never dropped silently',
        );
        assert.ok(Object.hasOwn(attributes, '[constructor]'));
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
        assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
    assert.equal(snapshotPrototypes(), before);
    assert.deepEqual(memory.diagnostics, []);
  });

  test(`${CONFIG_RUNS} config files with polluting keys are rejected or read without pollution`, () => {
    const before = snapshotPrototypes();
    let fileCount = 0;
    fc.assert(
      fc.property(pollutingJson, fc.constantFrom('json', 'yaml'), (json, extension) => {
        const path = join(directory, `config-${fileCount++}.${extension}`);
        // JSON is YAML; a YAML file written in flow style exercises the YAML parser's own merging.
        writeFileSync(path, extension === 'json' ? json : `sampling: ${json}\nredaction: ${json}\n`);
        try {
          const pipeline = createLogging({ exporter: 'none', handleSignals: false, env: {}, config: path });
          void pipeline.shutdown();
        } catch (error) {
          assert.ok(error instanceof LogweaveConfigError, `only LogweaveConfigError, got ${String(error)}`);
        }
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      }),
      { numRuns: CONFIG_RUNS, seed: FUZZ_SEED },
    );
    assert.equal(snapshotPrototypes(), before);
  });
});
