/**
 * The indexing stage's thread handler: the module the stage's worker threads load. Its
 * `createHandler` gets the stage's resolved settings (`IndexerThreadSettings`, the stage's
 * `handlerData`) and the calls into the main thread, where the stage's thread services
 * (thread-services.ts) hold the process's one vector store, embedding-cache Redis connection
 * and embedder. A thread parses and chunks (the CPU work) and, with the hashing embedder, embeds
 * itself, its cache reached through the main thread; other embedders run in the main thread,
 * once per process. The work itself is indexDocuments.
 *
 * Everything this module imports is loaded in every thread, so it imports no store or Redis
 * client and no settings schema (typebox): a thread holds only its parsers and its work.
 */
import { redisKeys } from '../../topology/redis-keys.ts';
import { assertRequestRules } from '../lib/request-rules.ts';
import type { MainThreadCalls, StageHandler } from '../lib/runtime/stage.ts';
import { DEFAULT_DOCUMENT_LIMITS } from './documents/default-limits.ts';
import { withEmbeddingCacheStore } from './embedding/cache.ts';
import type { Embedder } from './embedding/embedder.ts';
import { createHashingEmbedder } from './embedding/hashing.ts';
import { type IndexDocumentsDependencies, indexDocuments } from './index-documents.ts';
import type { IndexerThreadSettings } from './settings.ts';
import { mainThreadCacheStore, mainThreadEmbedder, mainThreadStore } from './thread-calls.ts';

async function threadEmbedder(settings: IndexerThreadSettings, main: MainThreadCalls): Promise<Embedder> {
  // Hashing is CPU work without a model: done here, off the main thread's event loop.
  if (settings.embedder.kind !== 'hashing') return mainThreadEmbedder(main);
  return withEmbeddingCacheStore(
    createHashingEmbedder({ dimension: settings.embedder.dimension }),
    mainThreadCacheStore(main),
    {
      keys: redisKeys(settings.namespace),
    },
  );
}

/** The thread's handler; its collaborators are built on first use, and a failed build is tried again on the next job. */
export function createHandler(settings: IndexerThreadSettings, main: MainThreadCalls): StageHandler<'indexing'> {
  let dependencies: Promise<IndexDocumentsDependencies> | undefined;
  const threadDependencies = () =>
    (dependencies ??= threadEmbedder(settings, main).then(
      (embedder) => ({
        store: mainThreadStore(main),
        embedder,
        documentRoots: [...settings.documentRoots],
        limits: DEFAULT_DOCUMENT_LIMITS,
      }),
      (error: unknown) => {
        dependencies = undefined;
        throw error;
      },
    ));
  return async ({ job, signal, progress }) => {
    // A record produced straight to Kafka skipped the gateway's check: the same rules, the same code.
    assertRequestRules('indexing', job);
    const result = await indexDocuments(job, await threadDependencies(), { signal, progress });
    return { 'sedano.IndexingResult': result };
  };
}
