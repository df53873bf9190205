/**
 * The indexing stage's thread handler: the module the stage's worker threads load. Its
 * `createHandler` gets the stage's resolved settings (`IndexerThreadSettings`, the stage's
 * `handlerData`) and builds the thread's collaborators on the first job (vector store
 * connection, embedder with its Redis cache, document roots and limits), keeping them for
 * every later job: threads are recycled by the pool, which ends them with their connections.
 * The work itself is indexDocuments.
 */
import { Redis } from 'ioredis';
import { redisKeys } from '../../topology/redis-keys.ts';
import type { Logger } from '../lib/logger.ts';
import { assertRequestRules } from '../lib/request-rules.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { resolveDocumentLimits } from './documents/limits.ts';
import { withEmbeddingCache } from './embedding/cache.ts';
import { createEmbedder } from './embedding/create.ts';
import { type IndexDocumentsDependencies, indexDocuments } from './index-documents.ts';
import type { IndexerThreadSettings } from './settings.ts';
import { createVectorStore } from './vector-store/create.ts';

async function buildDependencies(settings: IndexerThreadSettings, logger: Logger): Promise<IndexDocumentsDependencies> {
  const redis = new Redis(settings.redisUrl);
  // The calls that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'embedding cache: redis connection error'));
  const embedder = withEmbeddingCache(await createEmbedder(settings.embedder), redis, {
    keys: redisKeys(settings.namespace),
  });
  return {
    store: await createVectorStore(settings.store),
    embedder,
    documentRoots: [...settings.documentRoots],
    limits: resolveDocumentLimits(),
  };
}

/** The thread's handler; its collaborators are built on first use, and a failed build is tried again on the next job. */
export function createHandler(settings: IndexerThreadSettings): StageHandler<'indexing'> {
  let dependencies: Promise<IndexDocumentsDependencies> | undefined;
  const threadDependencies = (logger: Logger) =>
    (dependencies ??= buildDependencies(settings, logger).catch((error: unknown) => {
      dependencies = undefined;
      throw error;
    }));
  return async ({ job, signal, progress, logger }) => {
    // A record produced straight to Kafka skipped the gateway's check: the same rules, the same code.
    assertRequestRules('indexing', job);
    const result = await indexDocuments(job, await threadDependencies(logger), { signal, progress });
    return { 'sedano.IndexingResult': result };
  };
}
