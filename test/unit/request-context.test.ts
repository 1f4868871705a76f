import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  getRequestContext,
  LogweaveError,
  runWithRequestContext,
  tryGetRequestContext,
} from '../../src/index.ts';
import { onRequestEnded, onRequestFailed } from '../../src/context/request-lifecycle.ts';
import { ensureContextManager } from '../../src/context/context-manager.ts';

ensureContextManager();

/** The request ids that failed and ended while `fn` ran, in order. */
async function lifecycleOf(fn: () => unknown): Promise<string[]> {
  const events: string[] = [];
  const unsubscribe = [
    onRequestFailed((request) => events.push(`failed ${request.requestId}`)),
    onRequestEnded((request) => events.push(`ended ${request.requestId}`)),
  ];
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    for (const off of unsubscribe) off();
  }
  return events;
}

describe('getRequestContext / tryGetRequestContext', () => {
  test('outside a request: tryGet gives undefined, get throws a coded LogweaveError', () => {
    assert.equal(tryGetRequestContext(), undefined);
    assert.throws(getRequestContext, (error: unknown) => {
      assert.ok(error instanceof LogweaveError);
      assert.equal(error.code, 'LOGWEAVE_ERR_NO_REQUEST_CONTEXT');
      assert.equal(error.name, 'LogweaveError');
      assert.match(error.message, /use tryGetRequestContext\(\) where that can happen/);
      return true;
    });
  });

  test('inside a request both give the same context', () => {
    runWithRequestContext({ requestId: 'req-1' }, () => {
      assert.equal(getRequestContext().requestId, 'req-1');
      assert.equal(tryGetRequestContext(), getRequestContext());
    });
  });
});

describe('runWithRequestContext: the request ends when its work is done', () => {
  test('synchronous work: ended on return', async () => {
    assert.deepEqual(await lifecycleOf(() => runWithRequestContext({ requestId: 'sync' }, () => 1)), [
      'ended sync',
    ]);
  });

  test('synchronous throw: failed, ended, and the error reaches the caller', async () => {
    const events = await lifecycleOf(() =>
      assert.throws(
        () =>
          runWithRequestContext({ requestId: 'throws' }, () => {
            throw new Error('handler failed');
          }),
        /handler failed/,
      ),
    );
    assert.deepEqual(events, ['failed throws', 'ended throws']);
  });

  test('a promise: ended when it settles; a rejection fails the request first', async () => {
    assert.deepEqual(
      await lifecycleOf(() => runWithRequestContext({ requestId: 'resolves' }, async () => 'ok')),
      ['ended resolves'],
    );
    const rejected = await lifecycleOf(async () => {
      await assert.rejects(
        runWithRequestContext({ requestId: 'rejects' }, async () => {
          throw new Error('async failure');
        }),
        /async failure/,
      );
    });
    assert.deepEqual(rejected, ['failed rejects', 'ended rejects']);
  });
});
