/**
 * The training stage on topics of the benchmark's own (created like the declared ones, deleted
 * after), for the end-to-end figure: `run` produces one training request and waits for its
 * terminal state in the job ledger.
 */
import { type Redis } from 'ioredis';
import { pino } from 'pino';
import type { TrainModelRequest } from '../../schemas/train-model-request.ts';
import { createCodec, type SubjectBinding } from '../../services/lib/codec.ts';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import { jobHeader } from '../../services/lib/job-client.ts';
import { createKafkaClient } from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import { startStageRuntime, stageTopics } from '../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry, deleteSubject } from '../../services/lib/schema-registry.ts';
import { createRedisModelIndex } from '../../services/trainer/model-registry/redis-model-index.ts';
import type { TrainerThreadSettings } from '../../services/trainer/settings.ts';
import { createTrainerStage } from '../../services/trainer/trainer-stage.ts';
import { COMPATIBILITY_POLICIES, STAGE_REQUEST_CONTRACTS } from '../../topology/contracts.ts';
import { topologyNames } from '../../topology/names.ts';
import { redisKeys } from '../../topology/redis-keys.ts';
import { declaredTopics } from '../../topology/topics.ts';
import type { Cleanup } from './cleanup.ts';

export interface EndToEndFigures {
  seconds: number;
  epochs: number;
  validationAccuracy: number | null;
}

/**
 * The stage in the namespace `base` (its own topics, groups and keys, never a running system's);
 * its threads get `settings`, whose namespace should be `base` too.
 */
export async function startTrainingBenchStage(
  base: string,
  redis: Redis,
  settings: TrainerThreadSettings,
  cleanup: Cleanup,
) {
  const endpoints = resolveEndpoints(process.env);
  const kafka = createKafkaClient({ ...kafkaConnection(process.env), clientId: base, log: () => {} });
  const admin = await kafka.admin();
  cleanup.add('kafka admin', () => admin.close());
  const names = topologyNames(base);
  const keys = redisKeys(base);
  const topics = stageTopics(names, 'training');
  const used = new Set([...topics.lanes, ...Object.values(topics.retry), topics.status, topics.control]);
  const shapes = declaredTopics(names, { replicationFactor: 1 }).filter((topic) => used.has(topic.name));
  await admin.createTopics(shapes);
  cleanup.add('topics', () => admin.deleteTopics(shapes.map((topic) => topic.name)));
  const lane = topics.lanes[1] ?? '';
  const binding: SubjectBinding<TrainModelRequest> = {
    subject: names.valueSubject(lane),
    contract: STAGE_REQUEST_CONTRACTS.training,
    compatibility: COMPATIBILITY_POLICIES.jobRequests.level,
  };
  cleanup.add('lane subject', () => deleteSubject(endpoints.schemaRegistryUrl, binding.subject));
  const codec = createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) });
  const runtime = await startStageRuntime(createTrainerStage(settings), {
    kafka,
    codec,
    redis,
    logger: pino({ level: process.env['LOG_LEVEL'] ?? 'warn' }),
    workerId: `${base}-trainer`,
    names,
    keys,
    topics,
  });
  cleanup.add('stage runtime', () => runtime.close());
  const producer = await kafka.producer();
  cleanup.add('producer', () => producer.close());
  const index = createRedisModelIndex(redis, keys.models);

  return {
    /** Produces one training request and resolves when it succeeded, with the seconds taken. */
    async run(request: { datasetUri: string; epochs: number; batchSize: number }): Promise<EndToEndFigures> {
      const modelName = 'bench-end-to-end';
      const job: TrainModelRequest = {
        header: jobHeader('training', {}, 'sedano-bench', Date.now()),
        modelType: 'text-classifier',
        modelName,
        examples: [],
        datasetUri: request.datasetUri,
        epochs: request.epochs,
        validationSplit: 0.2,
        hyperParameters: {
          learningRate: 0.01,
          batchSize: request.batchSize,
          l2Regularization: 0,
          seed: 1,
          hiddenUnits: 0,
          earlyStoppingPatience: null,
          balanceClasses: true,
        },
      };
      const started = performance.now();
      await producer.send(lane, [await codec.toMessage(binding, job.header.jobId, job)]);
      for (;;) {
        const state = await redis.get(keys.ledger(job.header.jobId));
        if (state !== null) {
          if (state !== 'SUCCESS') throw new Error(`the training job ended ${state}`);
          const seconds = (performance.now() - started) / 1000;
          const record = await index.findByJob(modelName, job.header.jobId);
          return {
            seconds,
            epochs: record?.metrics.epochs ?? 0,
            validationAccuracy: record?.metrics.validationAccuracy ?? null,
          };
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
