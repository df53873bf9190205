/**
 * Embedding, the port the indexer exports to services that embed texts the way it does (the
 * trainer): the embedder settings, the embedder they describe and its Redis cache, so a model
 * is trained on the vectors a collection is indexed with. Callers import this module only,
 * never the indexer's internals.
 */
export { type CachingEmbedder, DEFAULT_EMBEDDING_CACHE_TTL_SECONDS, withEmbeddingCache } from './embedding/cache.ts';
export {
  createEmbedder,
  type EmbedderConfig,
  embedderConfigOf,
  embedderSettings,
  embedderSettingsProblems,
} from './embedding/create.ts';
export type { Embedder } from './embedding/embedder.ts';
