/**
 * The indexing thread's side of its stage's thread services (thread-services.ts): the vector
 * store, the embedding cache and the configured embedder as indexDocuments sees them, each
 * call crossing to the main thread. Imports nothing heavy: no store client, no Redis client,
 * no settings schema, so every worker thread holds only its parsers and its work.
 */
import type { MainThreadCalls } from '../lib/runtime/stage.ts';
import type { EmbeddingCacheStore } from './embedding/cache.ts';
import type { Embedder } from './embedding/embedder.ts';
import type { IndexerThreadServiceMethods } from './thread-services.ts';
import type { IndexingStore } from './index-documents.ts';

type Methods = IndexerThreadServiceMethods;

/** A typed call of one of the indexer's thread services. */
function caller(main: MainThreadCalls) {
  return <M extends keyof Methods>(method: M, ...args: Parameters<Methods[M]>) =>
    main.call(method, args) as ReturnType<Methods[M]>;
}

/** The store calls indexDocuments makes, run by the main thread's one store connection. */
export function mainThreadStore(main: MainThreadCalls): IndexingStore {
  const call = caller(main);
  return {
    ensureCollection: (spec) => call('ensureCollection', spec),
    documentHash: (collection, documentId) => call('documentHash', collection, documentId),
    replaceDocument: (collection, documentId, chunks) => call('replaceDocument', collection, documentId, chunks),
    deleteDocument: (collection, documentId) => call('deleteDocument', collection, documentId),
  };
}

/** The embedding cache on the main thread's Redis connection. */
export function mainThreadCacheStore(main: MainThreadCalls): EmbeddingCacheStore {
  const call = caller(main);
  return {
    get: (keys) => call('cacheGet', [...keys]),
    set: (entries, ttlSeconds) =>
      call(
        'cacheSet',
        entries.map(([key, bytes]) => [key, bytes]),
        ttlSeconds,
      ),
  };
}

/** The main thread's embedder, cache included (for kinds a thread does not run itself). */
export async function mainThreadEmbedder(main: MainThreadCalls): Promise<Embedder> {
  const call = caller(main);
  const { name, dimension } = await call('embedder');
  return { name, dimension, embed: (texts) => call('embed', [...texts]) };
}
