import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogging, LogweaveConfigError } from '../../src/index.ts';

test('a config file replaced by a huge one is refused at reload without reading it whole', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logweave-reload-')), 'logweave.yaml');
  writeFileSync(file, 'sampling:\n  default: { info: 0.5 }\n');
  const lines: string[] = [];
  const logging = createLogging({
    config: file,
    exporter: 'none',
    handleSignals: false,
    diagnosticWriter: (line) => lines.push(line),
    env: { LOGWEAVE_CONFIG_WATCH: 'false' },
  });
  writeFileSync(file, `sampling:\n  default: { info: 1 }\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const result = logging.reloadConfig();
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.error instanceof LogweaveConfigError);
  assert.match(result.error.expected, /at most 1048576 bytes/);
  assert.ok(
    lines.some((line) => line.includes('at most 1048576 bytes')),
    'the refusal is reported on stderr',
  );
  await logging.shutdown();
});
