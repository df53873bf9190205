/**
 * A stage worker process for the fault tests, started and SIGKILLed by them. Its handler has
 * two side effects per job in Redis: one recorded idempotently by job id (SET NX), one counted
 * on every execution (INCR), so the test can show redeliveries happen and are absorbed.
 *
 * Configuration comes as JSON in SEDANO_FAULT_WORKER: { topics, redisNamespace, effectsPrefix, workerId }: its
 * ledger, presence and purge marks live in the test's Redis namespace, its other names in the test run's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createCodec } from '../../../services/lib/codec.ts';
import { resolveEndpoints } from '../../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../../services/lib/kafka.ts';
import { defineStage } from '../../../services/lib/runtime/stage.ts';
import { startStageRuntime, type StageTopics } from '../../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry } from '../../../services/lib/schema-registry.ts';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { testNames } from '../../support/resources.ts';

interface FaultWorkerConfig {
  topics: StageTopics;
  /** The test's own Redis namespace (`redisClient(t).keys.namespace`). */
  redisNamespace: string;
  effectsPrefix: string;
  workerId: string;
}

const config = JSON.parse(process.env['SEDANO_FAULT_WORKER'] ?? '{}') as FaultWorkerConfig;
const endpoints = resolveEndpoints(process.env);
const redis = new Redis(endpoints.redisUrl);
const runtime = await startStageRuntime(
  defineStage({
    stage: 'noop',
    options: { concurrency: 8, shutdownGraceMs: 2_000 },
    handler: async ({ jobId, job }) => {
      await redis.incr(`${config.effectsPrefix}raw:${jobId}`);
      await sleep(job.sleepMs);
      await redis.set(`${config.effectsPrefix}once:${jobId}`, config.workerId, 'NX');
      return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs: 0, payload: null } };
    },
  }),
  {
    kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: config.workerId, log: () => {} }),
    codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
    redis,
    logger: pino({ level: 'silent' }),
    workerId: config.workerId,
    names: testNames(),
    keys: redisKeys(config.redisNamespace),
    topics: config.topics,
    // Short, so partitions of a killed worker move within seconds (the broker's minimum is 6 s).
    sessionTimeoutMs: 6_000,
  },
);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void runtime.close().then(() => redis.quit());
});
