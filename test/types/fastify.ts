// logweave/fastify: the plugin's options and the `request.logweave` declaration merging.
import Fastify, { type FastifyRequest } from 'fastify';
import { createLogging, type RequestContext } from 'logweave';
import { logweaveFastify, type LogweaveFastifyOptions } from 'logweave/fastify';
import type { Equal, Expect, IsAny } from './expect.ts';

const logging = createLogging();
const app = Fastify();
await app.register(logweaveFastify, { logging });
await app.register(logweaveFastify, {
  logging,
  accessLog: { severity: { success: 'debug' } },
  prefix: '/api',
});

app.get('/orders/:id', async (request) => {
  const requestId: string = request.logweave.requestId;
  const traceId: string = request.logweave.traceId;
  return { requestId, traceId };
});

// Declaration merging: every FastifyRequest carries the request context, typed.
export type RequestLogweave = Expect<Equal<FastifyRequest['logweave'], RequestContext>>;
export type NotAny = Expect<Equal<IsAny<FastifyRequest['logweave']>, false>>;
export type OptionsNeedLogging = Expect<
  Equal<LogweaveFastifyOptions['logging'], ReturnType<typeof createLogging>>
>;

// @ts-expect-error the plugin needs logging
await app.register(logweaveFastify, {});
// @ts-expect-error an unknown option
await app.register(logweaveFastify, { logging, echoRequestID: true });
// @ts-expect-error the request id is a string
export const wrong: number = ({} as FastifyRequest).logweave.requestId;
