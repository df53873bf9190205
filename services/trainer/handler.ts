/**
 * The training stage's thread handler: the module the stage's worker threads load. Its
 * `createHandler` gets the stage's resolved settings (`TrainerThreadSettings`, the stage's
 * `handlerData`) and builds the thread's collaborators on the first job (the embedder with its
 * Redis cache, the model registry, the document roots and limits), keeping them for later
 * jobs. The work itself is trainModel; it runs here, off the event loop that heartbeats to
 * Kafka, so an hour-long run keeps the consumer in its group.
 */
import { Redis } from 'ioredis';
import { redisKeys } from '../../topology/redis-keys.ts';
import { createEmbedder, withEmbeddingCache } from '../indexer/embedding-access.ts';
import type { Logger } from '../lib/logger.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { openModelRegistry } from './model-registry/create.ts';
import type { TrainerThreadSettings } from './settings.ts';
import { type TrainModelDependencies, trainModel } from './train-model.ts';

async function buildDependencies(settings: TrainerThreadSettings, logger: Logger): Promise<TrainModelDependencies> {
  const redis = new Redis(settings.redisUrl);
  // The calls that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'training: redis connection error'));
  const embedder = withEmbeddingCache(await createEmbedder(settings.embedder), redis, {
    keys: redisKeys(settings.namespace),
  });
  return {
    embedder,
    registry: openModelRegistry(redis, { modelDir: settings.modelDir, namespace: settings.namespace }),
    documentRoots: [...settings.documentRoots],
    options: settings.limits,
  };
}

/** The thread's handler; its collaborators are built on first use, and a failed build is tried again on the next job. */
export function createHandler(settings: TrainerThreadSettings): StageHandler<'training'> {
  let dependencies: Promise<TrainModelDependencies> | undefined;
  const threadDependencies = (logger: Logger) =>
    (dependencies ??= buildDependencies(settings, logger).catch((error: unknown) => {
      dependencies = undefined;
      throw error;
    }));
  return async ({ job, jobId, signal, progress, logger }) => {
    const result = await trainModel(job, await threadDependencies(logger), {
      jobId,
      signal,
      progress,
      warn: (message) => logger.warn(message),
    });
    return { 'sedano.TrainingResult': result };
  };
}
