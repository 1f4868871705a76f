/*
 * A tracing SDK set up the way an application does it, before express/fastify are loaded:
 * context manager, W3C propagators, a TracerProvider (@opentelemetry/sdk-trace 3.x: processors
 * take an options object and go in the constructor; registration is through the API), the HTTP and
 * undici instrumentations. Import this module first.
 */
import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export const spanExporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
});

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
);
trace.setGlobalTracerProvider(tracerProvider);
registerInstrumentations({
  tracerProvider,
  instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()],
});

/** `node:http` through require, so the instrumentation's patch applies (ESM named imports are snapshots). */
export const instrumentedHttp = createRequire(import.meta.url)('node:http') as typeof Http;
