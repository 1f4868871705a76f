import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../src/config/config-file.ts';
import { parseConfigTextOffThread } from '../../src/config/parse-config-off-thread.ts';
import { LogweaveConfigError } from '../../src/index.ts';

test('a worker-thread parse gives what a parse on the calling thread gives, errors included', async () => {
  const valid = 'sampling:\n  default: { info: 0.25 }\n  modules: { payments: { debug: 1 } }\n';
  assert.deepEqual(
    await parseConfigTextOffThread(valid, 'logweave.yaml').result,
    parseConfigText(valid, 'logweave.yaml'),
  );
  for (const invalid of [
    'level: info\nlevel: debug\n',
    'sampling:\n  default: { info: "all" }\n',
    '- '.repeat(100),
  ]) {
    let here: LogweaveConfigError | undefined;
    try {
      parseConfigText(invalid, 'logweave.yaml');
    } catch (error) {
      here = error as LogweaveConfigError;
    }
    await assert.rejects(parseConfigTextOffThread(invalid, 'logweave.yaml').result, (error) => {
      assert.ok(error instanceof LogweaveConfigError);
      assert.deepEqual(
        { path: error.path, expected: error.expected, received: error.received, message: error.message },
        { path: here?.path, expected: here?.expected, received: here?.received, message: here?.message },
      );
      return true;
    });
  }
});

test('a parse over its time budget, or cancelled, is abandoned with a LogweaveConfigError', async () => {
  // No worker starts and parses within 1 ms.
  await assert.rejects(parseConfigTextOffThread('serviceName: a\n', 'logweave.yaml', 1).result, (error) => {
    assert.ok(error instanceof LogweaveConfigError);
    assert.equal(error.expected, 'a file parsed within 1 ms');
    return true;
  });
  const pending = parseConfigTextOffThread('serviceName: a\n', 'logweave.yaml');
  pending.cancel();
  await assert.rejects(pending.result, /expected an open logging pipeline, received "shut down"/);
});
