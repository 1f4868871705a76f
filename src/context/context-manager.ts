import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const PROBE_KEY = createContextKey('logweave.context-manager-probe');

/**
 * Makes sure a real context manager is registered, registering an
 * `AsyncLocalStorageContextManager` only when none is: a NodeSDK or another library that
 * registered its own keeps it. Detection goes through the public API only: with the no-op
 * manager a value set with `context.with` is not visible inside the callback.
 *
 * @returns true when logweave registered the manager itself.
 */
export function ensureContextManager(): boolean {
  if (hasWorkingContextManager()) return false;
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  if (context.setGlobalContextManager(manager)) return true;
  manager.disable();
  return false;
}

function hasWorkingContextManager(): boolean {
  const probe = ROOT_CONTEXT.setValue(PROBE_KEY, true);
  return context.with(probe, () => context.active().getValue(PROBE_KEY) === true);
}
