/**
 * A stage worker process for the fault tests, started and SIGKILLed by them. Its handler has
 * two side effects per job in Redis: one recorded idempotently by job id (SET NX), one counted
 * on every execution (INCR), so the test can show redeliveries happen and are absorbed.
 *
 * Its `extra` configuration is `{ effectsPrefix }`, the Redis key prefix of those effects
 * (test/support/stage-worker-process.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { resolveEndpoints } from '../../../services/lib/endpoints.ts';
import { defineStage } from '../../../services/lib/runtime/stage.ts';
import { runStageWorkerProcess, stageWorkerConfig } from '../../support/stage-worker-process.ts';

const config = stageWorkerConfig<{ effectsPrefix: string }>();
const { effectsPrefix } = config.extra;
const redis = new Redis(resolveEndpoints(process.env).redisUrl);
await runStageWorkerProcess(
  defineStage({
    stage: 'noop',
    options: { concurrency: 8, shutdownGraceMs: 2_000 },
    handler: async ({ jobId, job }) => {
      await redis.incr(`${effectsPrefix}raw:${jobId}`);
      await sleep(job.sleepMs);
      await redis.set(`${effectsPrefix}once:${jobId}`, config.workerId, 'NX');
      return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs: 0, payload: null } };
    },
  }),
  config,
  redis,
);
