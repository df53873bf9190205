/**
 * The indexing stage's thread services (services/lib/runtime/thread-services.ts): what the
 * worker threads call in the main thread, so a process holds one vector-store connection (and
 * LanceDB's native module once), one Redis connection for the embedding cache and one embedder
 * (a transformers model is loaded once, not once per thread), while the threads parse, chunk
 * and, with the hashing embedder, embed. Every call is the one the thread's indexDocuments
 * makes, in the same order (thread-calls.ts), so a document is still committed by one
 * `replaceDocument` after all its chunks are embedded.
 */
import { Redis } from 'ioredis';
import { redisKeys } from '../../topology/redis-keys.ts';
import type { Logger } from '../lib/logger.ts';
import type { ThreadServices } from '../lib/runtime/stage.ts';
import { type CachingEmbedder, redisEmbeddingCacheStore, withEmbeddingCache } from './embedding/cache.ts';
import { createEmbedder } from './embedding/create.ts';
import type { IndexerThreadSettings } from './settings.ts';
import { createVectorStore } from './vector-store/create.ts';
import type { VectorStore } from './vector-store/port.ts';

/** The methods, by name, as the threads call them (thread-calls.ts). */
export type IndexerThreadServiceMethods = {
  ensureCollection: VectorStore['ensureCollection'];
  documentHash: VectorStore['documentHash'];
  replaceDocument: VectorStore['replaceDocument'];
  deleteDocument: VectorStore['deleteDocument'];
  /** The configured embedder's name and dimension. */
  embedder(): Promise<{ name: string; dimension: number }>;
  /** Vectors of `texts` from the cached embedder (kinds the threads do not run themselves). */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** The embedding cache's bytes of each key (own copies: a slice of Redis's reply would clone all of it). */
  cacheGet(keys: string[]): Promise<(Uint8Array | null)[]>;
  cacheSet(entries: [string, Uint8Array][], ttlSeconds: number): Promise<void>;
};

/** Opens the store, the Redis connection and the embedder once, for every thread of the process. */
export async function openIndexerThreadServices(
  settings: IndexerThreadSettings,
  logger: Logger,
): Promise<ThreadServices> {
  const redis = new Redis(settings.redisUrl);
  // The calls that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'embedding cache: redis connection error'));
  let store: VectorStore | undefined;
  let embedder: CachingEmbedder | undefined;
  try {
    store = await createVectorStore(settings.store);
    embedder = withEmbeddingCache(await createEmbedder(settings.embedder), redis, {
      keys: redisKeys(settings.namespace),
    });
  } catch (error) {
    await store?.close();
    redis.disconnect();
    throw error;
  }
  const opened = store;
  const cached = embedder;
  const cache = redisEmbeddingCacheStore(redis);
  const methods: IndexerThreadServiceMethods = {
    ensureCollection: (spec) => opened.ensureCollection(spec),
    documentHash: (collection, documentId) => opened.documentHash(collection, documentId),
    replaceDocument: (collection, documentId, chunks) => opened.replaceDocument(collection, documentId, chunks),
    deleteDocument: (collection, documentId) => opened.deleteDocument(collection, documentId),
    embedder: async () => ({ name: cached.name, dimension: cached.dimension }),
    embed: (texts) => cached.embed(texts),
    cacheGet: async (keys) => (await cache.get(keys)).map((bytes) => (bytes === null ? null : Uint8Array.from(bytes))),
    cacheSet: (entries, ttlSeconds) => cache.set(entries, ttlSeconds),
  };
  return {
    methods,
    async close() {
      await opened.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
