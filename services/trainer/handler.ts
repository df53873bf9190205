/**
 * The training stage's thread handler: the module the stage's worker threads load (its
 * `handler` export). Each thread builds its collaborators on its first job (the embedder with
 * its Redis cache, the model registry, the document roots and limits) from the settings in its
 * copy of the environment, and keeps them for later jobs. The work itself is trainModel; it
 * runs here, off the event loop that heartbeats to Kafka, so an hour-long run keeps the
 * consumer in its group.
 */
import { Redis } from 'ioredis';
import { withEmbeddingCache } from '../indexer/embedding/cache.ts';
import { createEmbedder } from '../indexer/embedding/create.ts';
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createLogger } from '../lib/logger.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { openModelRegistry } from './model-registry/create.ts';
import { type TrainModelDependencies, trainModel } from './train-model.ts';
import { resolveTrainerSettings } from './trainer-settings.ts';

const logger = createLogger('sedano-training');
let dependencies: Promise<TrainModelDependencies> | undefined;

async function buildDependencies(): Promise<TrainModelDependencies> {
  const settings = resolveTrainerSettings(process.env);
  const redis = new Redis(resolveEndpoints(process.env).redisUrl);
  // The calls that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'training: redis connection error'));
  const embedder = withEmbeddingCache(await createEmbedder(settings.embedder), redis, {
    keyPrefix: settings.embeddingCachePrefix,
  });
  return {
    embedder,
    registry: openModelRegistry(redis, { modelDir: settings.modelDir, indexPrefix: settings.modelIndexPrefix }),
    documentRoots: settings.documentRoots,
    options: settings.options,
  };
}

/** The thread's collaborators, built on first use; a failed build is tried again on the next job. */
function threadDependencies(): Promise<TrainModelDependencies> {
  dependencies ??= buildDependencies().catch((error: unknown) => {
    dependencies = undefined;
    throw error;
  });
  return dependencies;
}

export const handler: StageHandler<'training'> = async ({ job, jobId, signal, progress, logger: jobLogger }) => {
  const result = await trainModel(job, await threadDependencies(), {
    jobId,
    signal,
    progress,
    warn: (message) => jobLogger.warn(message),
  });
  return { 'sedano.TrainingResult': result };
};
