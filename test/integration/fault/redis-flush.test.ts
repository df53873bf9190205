/**
 * Redis flushed in the middle of a run (its own database, so nothing else is touched): the
 * live projector keeps applying new events, `rebuild` restores what the flush removed, and
 * the pipeline goes on afterwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createStatusView } from '../../../services/lib/status-view.ts';
import { startStageRuntime } from '../../../services/lib/runtime/stage-runtime.ts';
import { createNoopStage } from '../../../services/noop/noop-stage.ts';
import { rebuildStatusView, startStatusProjector } from '../../../services/status-projector/projector.ts';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { endpoints, kafkaClient, onCleanup, uniqueName } from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';
import { stageSandbox } from '../services/lib/runtime/stage-sandbox.ts';

/** A Redis database of its own, flushed by this test only. */
const FLUSHED_DB = 15;

test(
  'after a Redis flush, rebuild restores the view and the live projector goes on',
  { timeout: 180_000 },
  async (t) => {
    const sandbox = await stageSandbox(t);
    const redis = new Redis(endpoints().redisUrl, { db: FLUSHED_DB });
    onCleanup(t, async () => {
      await redis.flushdb();
      redis.disconnect();
    });
    const logger = pino({ level: 'silent' });
    const kafka = kafkaClient();
    // The view needs a connection of its own (its transactions WATCH keys).
    const viewRedis = new Redis(endpoints().redisUrl, { db: FLUSHED_DB });
    onCleanup(t, () => viewRedis.disconnect());
    // The view and the worker's ledger in a namespace of their own, in the flushed database.
    const keys = redisKeys(uniqueName('flush'));
    const view = createStatusView({ redis: viewRedis, keys: keys.status });
    const runtime = await startStageRuntime(
      createNoopStage(() => 1),
      {
        kafka,
        codec: sandbox.codec,
        redis,
        logger,
        workerId: uniqueName('flush-worker'),
        names: sandbox.names,
        keys,
        topics: sandbox.topics,
      },
    );
    onCleanup(t, () => runtime.close());
    const projector = await startStatusProjector({
      kafka,
      codec: sandbox.codec,
      view,
      logger,
      names: sandbox.names,
      topic: sandbox.topics.status,
      groupId: uniqueName('flush-projector'),
    });
    onCleanup(t, () => projector.close());

    const succeeded = async (jobIds: readonly string[]) =>
      (await Promise.all(jobIds.map((jobId) => view.get(jobId)))).filter((job) => job?.state === 'SUCCESS').length;

    const before = await sandbox.submitMany(Array.from({ length: 100 }, () => ({ sleepMs: 10, cpuSpinMs: 0 })));
    const beforeIds = before.map((job) => job.header.jobId);
    await waitFor(async () => (await succeeded(beforeIds)) === 100, { description: 'the first 100 jobs in the view' });

    await redis.flushdb();
    assert.equal(await succeeded(beforeIds), 0, 'the flush emptied the view');

    const after = await sandbox.submitMany(Array.from({ length: 50 }, () => ({ sleepMs: 10, cpuSpinMs: 0 })));
    const afterIds = after.map((job) => job.header.jobId);
    await waitFor(async () => (await succeeded(afterIds)) === 50, {
      description: 'the live projector applying new jobs',
    });

    const rebuilt = await rebuildStatusView({
      kafka,
      codec: sandbox.codec,
      view,
      logger,
      names: sandbox.names,
      topic: sandbox.topics.status,
    });
    t.diagnostic(`rebuild replayed ${rebuilt.events} events into ${rebuilt.jobs} jobs`);
    assert.equal(await succeeded(beforeIds), 100, 'rebuild restored the jobs the flush removed');
    assert.equal(await succeeded(afterIds), 50);

    const later = await sandbox.submit({ sleepMs: 0, cpuSpinMs: 0 });
    await waitFor(async () => (await view.get(later.header.jobId))?.state === 'SUCCESS', {
      description: 'a job after the rebuild in the view',
    });
  },
);
