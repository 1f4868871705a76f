import { calleeRegistry } from './callee-registry.ts';
import { onRequestFailed } from './request-lifecycle.ts';
import { sign, signalSecret } from './signal-secret.ts';

/** Where the integrations answer release calls (on the service's own port). */
export const RELEASE_PATH = '/.well-known/logweave/release';
/** The header that carries a release call's signature. */
export const SIGNATURE_HEADER = 'logweave-signature';
/** How old a release call may be when it arrives (clock skew between services included). */
export const RELEASE_MAX_AGE_MILLIS = 60_000;
/** Longest wait for a callee to acknowledge a release call. */
const RELEASE_TIMEOUT_MILLIS = 2_000;

/** The body of a release call and the message its signature covers. */
export function releaseMessage(traceId: string, issuedAt: number): { body: string; signed: string } {
  return { body: JSON.stringify({ traceId, issuedAt }), signed: `release.${traceId}.${issuedAt}` };
}

/**
 * Tells every service this process called in `traceId` that the trace failed, so each releases
 * what it holds for it (also for requests that ended within its grace period) and tells its own
 * callees in turn. Sent only with a signal secret; best effort, never throws: a callee that does
 * not answer loses nothing it would otherwise have kept.
 */
export function notifyCallees(traceId: string, report?: (message: string) => void): void {
  const secret = signalSecret();
  if (secret === undefined) return;
  const origins = calleeRegistry.take(traceId);
  if (origins.length === 0) return;
  const { body, signed } = releaseMessage(traceId, Date.now());
  const signature = sign(secret, signed);
  for (const origin of origins) {
    fetch(`${origin}${RELEASE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(RELEASE_TIMEOUT_MILLIS),
    }).then(
      (response) => {
        void response.body?.cancel();
        if (response.status !== 204)
          report?.(`${origin} answered ${response.status} to a release call for trace ${traceId}`);
      },
      (error: unknown) =>
        report?.(
          `a release call to ${origin} for trace ${traceId} failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }
}

let installed: (() => void) | undefined;
let users = 0;

/** While a pipeline with a signal secret lives: a request that fails tells its trace's callees. */
export function installReleaseNotifier(report: (message: string) => void): () => void {
  users++;
  installed ??= onRequestFailed((request) => notifyCallees(request.traceId, report));
  return () => {
    users--;
    if (users === 0) {
      installed?.();
      installed = undefined;
    }
  };
}
