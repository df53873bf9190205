/**
 * BullMQ under test, on the same Redis as sedano's view: a queue with a key prefix of its
 * own, a worker whose processor does nothing, and a QueueEvents listener. A job's success is
 * visible when QueueEvents reports it `completed` (read from the queue's event stream in
 * Redis, as a separate status watcher would). The queue is obliterated at the end.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Endpoints } from '../../services/lib/endpoints.ts';
import { type Cleanup, deleteKeys } from './cleanup.ts';
import type { BenchSystem, Recorder } from './load.ts';

export interface BullmqSystemOptions {
  endpoints: Endpoints;
  /** Jobs the worker runs at once. */
  concurrency: number;
  cleanup: Cleanup;
}

const QUEUE = 'noop';
/** Jobs per addBulk call when many are submitted at once (as on the sedano side). */
const CHUNK = 500;

export async function startBullmqSystem({
  endpoints,
  concurrency,
  cleanup,
}: BullmqSystemOptions): Promise<BenchSystem> {
  const prefix = `sedano-bench-${randomUUID().slice(0, 8)}`;
  // Workers block on Redis: BullMQ requires connections that never give up a command.
  const connection = { url: endpoints.redisUrl, maxRetriesPerRequest: null };
  const redis = new Redis(endpoints.redisUrl);
  cleanup.add('redis', () => redis.quit());
  cleanup.add('bullmq keys', () => deleteKeys(redis, `${prefix}:*`));

  const queue = new Queue(QUEUE, { connection, prefix });
  cleanup.add('queue', () => queue.close());
  cleanup.add('obliterate', () => queue.obliterate({ force: true }));
  await queue.waitUntilReady();

  let current: Recorder | undefined;
  const events = new QueueEvents(QUEUE, { connection, prefix });
  cleanup.add('queue events', () => events.close());
  events.on('completed', ({ jobId }) => current?.visible(jobId, performance.now()));
  await events.waitUntilReady();

  const worker = new Worker(QUEUE, async () => undefined, { connection, prefix, concurrency });
  cleanup.add('worker', () => worker.close());
  worker.on('error', (error) => console.error(`bullmq worker: ${error.message}`));
  await worker.waitUntilReady();

  return {
    name: 'BullMQ',
    async submit(count, recorder) {
      current = recorder;
      const jobIds = Array.from({ length: count }, () => randomUUID());
      for (let start = 0; start < jobIds.length; start += CHUNK) {
        const chunk = jobIds.slice(start, start + CHUNK);
        recorder.submitted(chunk, performance.now());
        await queue.addBulk(
          chunk.map((jobId) => ({
            name: QUEUE,
            data: { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: null },
            opts: { jobId },
          })),
        );
      }
    },
  };
}
