/**
 * The indexing stage's thread handler: the module the stage's worker threads load (its
 * `handler` export). Each thread builds its own collaborators on its first job (vector store
 * connection, embedder with its Redis cache, document roots and limits) from the settings in
 * its copy of the environment, and keeps them for every later job: threads are recycled by
 * the pool, which ends them with their connections. The work itself is indexDocuments.
 */
import { Redis } from 'ioredis';
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createLogger } from '../lib/logger.ts';
import { assertRequestRules } from '../lib/request-rules.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { resolveDocumentLimits } from './documents/limits.ts';
import { withEmbeddingCache } from './embedding/cache.ts';
import { createEmbedder } from './embedding/create.ts';
import { type IndexDocumentsDependencies, indexDocuments } from './index-documents.ts';
import { resolveIndexerSettings } from './indexer-settings.ts';
import { createVectorStore } from './vector-store/create.ts';

const logger = createLogger('sedano-indexing');
let dependencies: Promise<IndexDocumentsDependencies> | undefined;

async function buildDependencies(): Promise<IndexDocumentsDependencies> {
  const settings = resolveIndexerSettings(process.env);
  const redis = new Redis(resolveEndpoints(process.env).redisUrl);
  // The calls that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'embedding cache: redis connection error'));
  const embedder = withEmbeddingCache(await createEmbedder(settings.embedder), redis, {
    keyPrefix: settings.embeddingCachePrefix,
  });
  return {
    store: await createVectorStore(settings.store),
    embedder,
    documentRoots: settings.documentRoots,
    limits: resolveDocumentLimits(),
  };
}

/** The thread's collaborators, built on first use; a failed build is tried again on the next job. */
function threadDependencies(): Promise<IndexDocumentsDependencies> {
  dependencies ??= buildDependencies().catch((error: unknown) => {
    dependencies = undefined;
    throw error;
  });
  return dependencies;
}

export const handler: StageHandler<'indexing'> = async ({ job, signal, progress }) => {
  // A record produced straight to Kafka skipped the gateway's check: the same rules, the same code.
  assertRequestRules('indexing', job);
  const result = await indexDocuments(job, await threadDependencies(), { signal, progress });
  return { 'sedano.IndexingResult': result };
};
