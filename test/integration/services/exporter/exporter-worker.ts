/**
 * An exporter worker process for the crash test, started and SIGKILLed by it: the real
 * export stage (worker threads, settings from the environment) on a sandbox's topics.
 *
 * Configuration: the exporter's variables (SEDANO_EXPORT_DIR, …) and, as JSON in
 * SEDANO_EXPORTER_WORKER, { topics, workerId, redisPrefix } (the ledger, presence and purge
 * marks go under the test's Redis prefix).
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createExporterStage } from '../../../../services/exporter/exporter-stage.ts';
import { createCodec } from '../../../../services/lib/codec.ts';
import { resolveEndpoints } from '../../../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { startStageRuntime, type StageTopics } from '../../../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry } from '../../../../services/lib/schema-registry.ts';
import { createJobLedger } from '../../../../services/lib/runtime/job-ledger.ts';
import { createPurgeMarks } from '../../../../services/lib/purge-marks.ts';
import { createWorkerPresence } from '../../../../services/lib/worker-presence.ts';

interface ExporterWorkerConfig {
  topics: StageTopics;
  workerId: string;
  redisPrefix: string;
}

const config = JSON.parse(process.env['SEDANO_EXPORTER_WORKER'] ?? '{}') as ExporterWorkerConfig;
const endpoints = resolveEndpoints();
const redis = new Redis(endpoints.redisUrl);
const runtime = await startStageRuntime(createExporterStage({ concurrency: 1, progressIntervalMs: 50 }), {
  kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: config.workerId, log: () => {} }),
  codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
  redis,
  logger: pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }),
  workerId: config.workerId,
  topics: config.topics,
  ledger: createJobLedger({ redis, prefix: `${config.redisPrefix}ledger:` }),
  presence: createWorkerPresence({ redis, prefix: `${config.redisPrefix}workers:` }),
  purgeMarks: createPurgeMarks({ redis, prefix: `${config.redisPrefix}purge:` }),
  // Short, so the partitions of a killed worker move within seconds (the broker's minimum is 6 s).
  sessionTimeoutMs: 6_000,
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void runtime.close().then(() => redis.quit());
});
