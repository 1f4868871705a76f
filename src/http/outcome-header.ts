import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../context/request-context.ts';
import { onRequestFailed } from '../context/request-lifecycle.ts';
import { FAILED_OUTCOME, OUTCOME_HEADER } from '../context/upstream-failure.ts';

/* The response of a server request, on its request context: a symbol property rather than a
 * WeakMap entry (per-request WeakMap keys slowed garbage collection measurably, see bind-emitter). */
const RESPONSE = Symbol('logweave.response');
type WithResponse = RequestContext & { [RESPONSE]?: ServerResponse };

let listening = false;

/**
 * Makes `res` answer `logweave-outcome: failed` if `request` fails before its headers are sent
 * (an ERROR logged, a callee that failed, `markRequestFailed()`), so the caller keeps its story
 * too. A failure after the headers went out travels as the 5xx status, when there is one.
 */
export function answerFailureOn(request: RequestContext, res: ServerResponse): void {
  (request as WithResponse)[RESPONSE] = res;
  if (listening) return;
  listening = true;
  onRequestFailed((failed) => {
    const response = (failed as WithResponse)[RESPONSE];
    if (response !== undefined && !response.headersSent) response.setHeader(OUTCOME_HEADER, FAILED_OUTCOME);
  });
}
