/**
 * The analysis stage's thread handler: the module the stage's worker threads load. Its
 * `createHandler` gets the stage's resolved settings (`AnalyzerThreadSettings`, the stage's
 * `handlerData`) and builds the thread's collaborators on the first job (the vector store
 * connection, the document roots and limits), keeping them for later jobs. The work itself is
 * analyzeDocuments.
 *
 * A job's `modelId` is loaded through the trainer's model catalog (cached per thread, refreshed
 * on a new version) and classifies with the thread's embedder, which must be the model's.
 */
import type { Logger } from '../lib/logger.ts';
import { assertRequestRules } from '../lib/request-rules.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { Redis } from 'ioredis';
import { openIndexedDocuments, resolveDocumentLimits } from '../indexer/document-access.ts';
import { createEmbedder } from '../indexer/embedding-access.ts';
import { loadClassifier, openModelCatalog } from '../trainer/model-catalog.ts';
import { type AnalyzeDocumentsDependencies, analyzeDocuments } from './analyze-documents.ts';
import type { AnalyzerThreadSettings } from './settings.ts';

async function buildDependencies(
  settings: AnalyzerThreadSettings,
  logger: Logger,
): Promise<AnalyzeDocumentsDependencies> {
  const redis = new Redis(settings.redisUrl);
  // The calls that need Redis fail the attempt (which is retried); the event is only logged.
  // Without a listener ioredis printed a plain line into the JSON log at every reconnection.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'model catalog: redis connection error'));
  const registry = openModelCatalog(redis, settings);
  const embedder = await createEmbedder(settings.embedder);
  return {
    loadClassifier: (modelId) => loadClassifier(modelId, { registry, embedder }),
    store: await openIndexedDocuments(settings.store),
    defaultCollection: settings.defaultCollection,
    maxDocumentChars: settings.maxDocumentChars,
    documentRoots: [...settings.documentRoots],
    limits: resolveDocumentLimits(),
  };
}

/** The thread's handler; its collaborators are built on first use, and a failed build is tried again on the next job. */
export function createHandler(settings: AnalyzerThreadSettings): StageHandler<'analysis'> {
  let dependencies: Promise<AnalyzeDocumentsDependencies> | undefined;
  const threadDependencies = (logger: Logger) =>
    (dependencies ??= buildDependencies(settings, logger).catch((error: unknown) => {
      dependencies = undefined;
      throw error;
    }));
  return async ({ job, signal, progress, logger }) => {
    // A record produced straight to Kafka skipped the gateway's check: the same rules, the same code.
    assertRequestRules('analysis', job);
    const result = await analyzeDocuments(job, await threadDependencies(logger), { signal, progress });
    return { 'sedano.AnalysisResult': result };
  };
}
