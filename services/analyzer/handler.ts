/**
 * The analysis stage's thread handler: the module the stage's worker threads load (its
 * `handler` export). Each thread builds its collaborators on its first job (the vector store
 * connection, the document roots and limits) from the settings in its copy of the
 * environment, and keeps them for later jobs; the work itself is analyzeDocuments.
 *
 * No classifier loader is wired yet: a job with a `modelId` fails with
 * SEDANO_ERR_MODEL_NOT_FOUND until the training stage supplies `loadClassifier`.
 */
import type { StageHandler } from '../lib/runtime/stage.ts';
import { resolveDocumentLimits } from '../indexer/documents/limits.ts';
import { resolveIndexerSettings } from '../indexer/indexer-settings.ts';
import { createVectorStore } from '../indexer/vector-store/create.ts';
import { type AnalyzeDocumentsDependencies, analyzeDocuments } from './analyze-documents.ts';
import { analyzerOptionsFromEnvironment } from './analyzer-options.ts';

let dependencies: Promise<AnalyzeDocumentsDependencies> | undefined;

async function buildDependencies(): Promise<AnalyzeDocumentsDependencies> {
  const settings = resolveIndexerSettings(process.env);
  const options = analyzerOptionsFromEnvironment(process.env);
  return {
    store: await createVectorStore(settings.store),
    defaultCollection: options.defaultCollection,
    maxDocumentChars: options.maxDocumentChars,
    documentRoots: settings.documentRoots,
    limits: resolveDocumentLimits(),
  };
}

/** The thread's collaborators, built on first use; a failed build is tried again on the next job. */
function threadDependencies(): Promise<AnalyzeDocumentsDependencies> {
  dependencies ??= buildDependencies().catch((error: unknown) => {
    dependencies = undefined;
    throw error;
  });
  return dependencies;
}

export const handler: StageHandler<'analysis'> = async ({ job, signal, progress }) => {
  const result = await analyzeDocuments(job, await threadDependencies(), { signal, progress });
  return { 'sedano.AnalysisResult': result };
};
