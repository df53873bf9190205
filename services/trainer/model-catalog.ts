/**
 * The model catalog, the port the trainer exports to other services (the gateway's model
 * routes, the analysis stage's `modelId`): the model registry's read side, over the index in Redis and the files in the model
 * directory, and its archive (the maintenance backup copies every version out and restores it).
 * Callers import this module only, never the trainer's internals.
 */
import type { Redis } from 'ioredis';
import { openModelRegistry } from './model-registry/create.ts';
import type { ModelRegistryReader } from './model-registry/model-registry.ts';
import type { ModelVersionRecord } from './model-registry/model-version.ts';

export { openModelArchive, type ModelArchive } from './model-registry/model-archive.ts';
export { DEFAULT_MODEL_DIR, modelDirSetting } from './settings.ts';
export { loadClassifier, type TextClassifier } from './text-classifier.ts';
export type { ModelVersionRecord };

/** The registry's read side: models, their versions and one version's record and network. */
export type ModelCatalog = ModelRegistryReader;

/** The catalog over `redis` (the caller owns and closes the connection). */
export function openModelCatalog(redis: Redis, options: { modelDir: string; namespace: string }): ModelCatalog {
  return openModelRegistry(redis, options);
}
