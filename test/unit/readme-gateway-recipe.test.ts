import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// The gateway recipe the README quotes is the file test/e2e/sampler-interop.test.ts runs.
test('the README quotes examples/collector/otelcol-gateway.yaml verbatim', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const recipe = readFileSync(
    new URL('../../examples/collector/otelcol-gateway.yaml', import.meta.url),
    'utf8',
  );
  assert.ok(
    readme.includes('```yaml\n' + recipe + '```'),
    'copy the file into the README section "A Collector gateway"',
  );
});
