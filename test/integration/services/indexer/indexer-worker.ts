/**
 * An indexer worker process for the crash test, started and SIGKILLed by it: the real
 * indexing stage (worker threads) on a sandbox's topics.
 *
 * Configuration, as JSON in SEDANO_INDEXER_WORKER: { topics, workerId, settings, redisNamespace }:
 * the threads' settings (document roots, data directory, embedder, cache namespace) and the
 * test's own Redis namespace, where the ledger, presence and purge marks go; the other names are
 * the test run's (SEDANO_NAMESPACE, inherited).
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createIndexerStage } from '../../../../services/indexer/indexer-stage.ts';
import type { IndexerThreadSettings } from '../../../../services/indexer/settings.ts';
import { createCodec } from '../../../../services/lib/codec.ts';
import { resolveEndpoints } from '../../../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { startStageRuntime, type StageTopics } from '../../../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry } from '../../../../services/lib/schema-registry.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';
import { testNames } from '../../../support/resources.ts';

interface IndexerWorkerConfig {
  topics: StageTopics;
  workerId: string;
  settings: IndexerThreadSettings;
  redisNamespace: string;
}

const config = JSON.parse(process.env['SEDANO_INDEXER_WORKER'] ?? '{}') as IndexerWorkerConfig;
const endpoints = resolveEndpoints(process.env);
const redis = new Redis(endpoints.redisUrl);
const runtime = await startStageRuntime(
  createIndexerStage(config.settings, { concurrency: 2, progressIntervalMs: 50 }),
  {
    kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: config.workerId, log: () => {} }),
    codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
    redis,
    logger: pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }),
    workerId: config.workerId,
    names: testNames(),
    keys: redisKeys(config.redisNamespace),
    topics: config.topics,
    // Short, so the partitions of a killed worker move within seconds (the broker's minimum is 6 s).
    sessionTimeoutMs: 6_000,
  },
);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void runtime.close().then(() => redis.quit());
});
