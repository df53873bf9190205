/**
 * Two deployments on one Kafka and one Redis: each namespace's worker runs that namespace's jobs
 * and never the other's, and their Redis keys never meet (issue: "names are global").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { jobStatusEventContract, type JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { createCodec } from '../../../../services/lib/codec.ts';
import { createJobClient } from '../../../../services/lib/job-client.ts';
import { startStageRuntime, stageTopics } from '../../../../services/lib/runtime/stage-runtime.ts';
import { createStatusView } from '../../../../services/lib/status-view.ts';
import { createNoopStage } from '../../../../services/noop/noop-stage.ts';
import { startStatusProjector } from '../../../../services/status-projector/projector.ts';
import type { TopologyNames } from '../../../../topology/names.ts';
import type { RedisKeys } from '../../../../topology/redis-keys.ts';
import {
  kafkaClient,
  namespaceOfItsOwn,
  onCleanup,
  redisClient,
  schemaRegistry,
  uniqueName,
} from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

type Deployment = { names: TopologyNames; keys: RedisKeys; workerId: string; submit: () => Promise<string> };

async function deployment(t: Parameters<typeof onCleanup>[0], namespace: string): Promise<Deployment> {
  const { names, keys, redis } = await namespaceOfItsOwn(t, namespace, (names) => {
    const stage = stageTopics(names, 'noop');
    return [...stage.lanes, ...Object.values(stage.retry), stage.status, stage.control, names.batchesTopic];
  });
  const kafka = kafkaClient();
  const codec = createCodec({ registry: schemaRegistry() });
  const logger = pino({ level: 'silent' });
  const workerId = `${namespace}-worker`;
  const runtime = await startStageRuntime(
    createNoopStage(() => 1),
    { kafka, codec, redis, logger, workerId, names, keys },
  );
  onCleanup(t, () => runtime.close());
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  const client = createJobClient({ producer, codec, names, submitter: 'namespaces-test' });
  const submit = async () =>
    (await client.submit('noop', { sleepMs: 1, cpuSpinMs: 0, failureRate: 0, payload: namespace })).jobId;
  return { names, keys, workerId, submit };
}

test("two namespaces on one Kafka and one Redis: each worker runs only its own namespace's jobs", async (t) => {
  const [a, b] = [await deployment(t, uniqueName('ns-a')), await deployment(t, uniqueName('ns-b'))];
  const jobs = { a: await a.submit(), b: await b.submit() };

  // Every status event of each namespace, as its projector's view sees them.
  const kafka = kafkaClient();
  const codec = createCodec({ registry: schemaRegistry() });
  const seen: Record<'a' | 'b', JobStatusEvent[]> = { a: [], b: [] };
  for (const [key, deployed] of [
    ['a', a],
    ['b', b],
  ] as const) {
    const consumer = await kafka.consumer(uniqueName('namespaces-reader'));
    onCleanup(t, () => consumer.close());
    await consumer.consume({
      topics: [deployed.names.statusTopic],
      fromBeginning: true,
      handle: async (message) =>
        void seen[key].push((await codec.decode(jobStatusEventContract, message.value)).record),
    });
  }
  await waitFor(
    () =>
      seen.a.some((event) => event.jobId === jobs.a && event.state === 'SUCCESS') &&
      seen.b.some((event) => event.jobId === jobs.b && event.state === 'SUCCESS'),
    { description: 'both jobs succeeded', timeoutMs: 60_000 },
  );
  // Each job ran on its own namespace's worker, and each status topic holds only its own job.
  for (const [key, deployed, jobId] of [
    ['a', a, jobs.a],
    ['b', b, jobs.b],
  ] as const) {
    const ran = seen[key].filter((event) => event.state === 'STARTED' || event.state === 'SUCCESS');
    assert.ok(ran.length >= 2);
    assert.ok(ran.every((event) => event.workerId === deployed.workerId && event.jobId === jobId));
    assert.deepEqual([...new Set(seen[key].map((event) => event.jobId))], [jobId]);
  }
  // Their Redis keys never meet: each ledger knows only its own job.
  const { redis } = redisClient(t);
  assert.equal(await redis.get(a.keys.ledger(jobs.a)), 'SUCCESS');
  assert.equal(await redis.get(b.keys.ledger(jobs.b)), 'SUCCESS');
  assert.equal(await redis.get(a.keys.ledger(jobs.b)), null);
  assert.equal(await redis.get(b.keys.ledger(jobs.a)), null);
  // And a projector in one namespace builds a view of that namespace only.
  const view = createStatusView({ redis: redisClient(t).redis, keys: a.keys.status });
  const projector = await startStatusProjector({
    kafka,
    codec,
    view,
    logger: pino({ level: 'silent' }),
    names: a.names,
  });
  onCleanup(t, () => projector.close());
  await waitFor(async () => (await view.get(jobs.a))?.state === 'SUCCESS', { description: "job a in a's view" });
  assert.equal(await view.get(jobs.b), undefined);
});
