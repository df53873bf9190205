/**
 * The default model registry (files in a local directory, index in Redis under the namespace's
 * `models` keys): what the trainer's threads, the analysis stage's threads and the gateway build.
 */
import type { Redis } from 'ioredis';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { createLocalModelStore } from './local-model-store.ts';
import { createModelRegistry, type ModelRegistry } from './model-registry.ts';
import { createRedisModelIndex } from './redis-model-index.ts';

export interface ModelRegistryOptions {
  /** Absolute directory of the versions' files (SEDANO_MODEL_DIR). */
  modelDir: string;
  /** The namespace whose `models` keys hold the index. */
  namespace: string;
}

/** The registry over `redis`; the caller owns (and closes) the connection. */
export function openModelRegistry(redis: Redis, options: ModelRegistryOptions): ModelRegistry {
  return createModelRegistry(
    createLocalModelStore(options.modelDir),
    createRedisModelIndex(redis, redisKeys(options.namespace).models),
  );
}
