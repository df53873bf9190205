/**
 * The default model registry (files in a local directory, index in Redis) from its two
 * settings: what the trainer's threads, the analysis stage's threads and the gateway build.
 */
import type { Redis } from 'ioredis';
import { createLocalModelStore } from './local-model-store.ts';
import { createModelRegistry, type ModelRegistry } from './model-registry.ts';
import { createRedisModelIndex } from './redis-model-index.ts';

export interface ModelRegistryOptions {
  /** Absolute directory of the versions' files (SEDANO_MODEL_DIR). */
  modelDir: string;
  /** Redis key prefix of the index (SEDANO_MODEL_INDEX_PREFIX). */
  indexPrefix: string;
}

/** The registry over `redis`; the caller owns (and closes) the connection. */
export function openModelRegistry(redis: Redis, options: ModelRegistryOptions): ModelRegistry {
  return createModelRegistry(
    createLocalModelStore(options.modelDir),
    createRedisModelIndex(redis, options.indexPrefix),
  );
}
