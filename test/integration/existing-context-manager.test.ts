import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogging, getRequestContext, runWithRequestContext } from '../../src/index.ts';

// Runs in its own process (node --test isolates files), so the global registration is ours to set.
test('a context manager registered before createLogging() is left in place and used', async () => {
  class CountingContextManager extends AsyncLocalStorageContextManager {
    entered = 0;
    override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      ctx: Context,
      fn: F,
      thisArg?: ThisParameterType<F>,
      ...args: A
    ): ReturnType<F> {
      this.entered++;
      return super.with(ctx, fn, thisArg, ...args);
    }
  }
  const manager = new CountingContextManager().enable();
  assert.ok(context.setGlobalContextManager(manager));
  const logging = createLogging({ exporter: 'none', handleSignals: false, env: {} });
  const before = manager.entered;
  const requestId = await runWithRequestContext({ requestId: 'kept-manager' }, async () => {
    await Promise.resolve();
    return getRequestContext().requestId;
  });
  assert.equal(requestId, 'kept-manager');
  assert.ok(manager.entered > before, 'the application-registered manager carried the request context');
  await logging.shutdown();
});
