import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SinkCounts, SinkReply, SinkRequest } from './sink-worker.ts';

/** The runner's handle on the loopback OTLP receiver. */
export interface OtlpSink {
  url: string;
  counts(): Promise<SinkCounts>;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const worker = new Worker(new URL('./sink-worker.ts', import.meta.url));
  const request = async (message: SinkRequest): Promise<SinkReply> => {
    const reply = once(worker, 'message') as Promise<[SinkReply]>;
    worker.postMessage(message);
    return (await reply)[0];
  };
  const [listening] = (await once(worker, 'message')) as [SinkReply];
  if (listening.type !== 'listening') throw new Error('the OTLP sink did not start');
  return {
    url: `http://127.0.0.1:${listening.port}/v1/logs`,
    async counts() {
      const reply = await request({ type: 'counts' });
      if (reply.type !== 'counts') throw new Error('unexpected reply from the OTLP sink');
      const { type: _type, ...counts } = reply;
      return counts;
    },
    async close() {
      worker.postMessage({ type: 'close' } satisfies SinkRequest);
      await once(worker, 'exit');
    },
  };
}
