/**
 * The analysis stage's thread handler: the module the stage's worker threads load. Its
 * `createHandler` gets the stage's resolved settings (`AnalyzerThreadSettings`, the stage's
 * `handlerData`) and builds the thread's collaborators on the first job (the vector store
 * connection, the document roots and limits), keeping them for later jobs. The work itself is
 * analyzeDocuments.
 *
 * No classifier loader is wired yet: a job with a `modelId` fails with
 * SEDANO_ERR_MODEL_NOT_FOUND until the training stage supplies `loadClassifier`.
 */
import type { StageHandler } from '../lib/runtime/stage.ts';
import { openIndexedDocuments, resolveDocumentLimits } from '../indexer/document-access.ts';
import { type AnalyzeDocumentsDependencies, analyzeDocuments } from './analyze-documents.ts';
import type { AnalyzerThreadSettings } from './settings.ts';

async function buildDependencies(settings: AnalyzerThreadSettings): Promise<AnalyzeDocumentsDependencies> {
  return {
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
  const threadDependencies = () =>
    (dependencies ??= buildDependencies(settings).catch((error: unknown) => {
      dependencies = undefined;
      throw error;
    }));
  return async ({ job, signal, progress }) => {
    const result = await analyzeDocuments(job, await threadDependencies(), { signal, progress });
    return { 'sedano.AnalysisResult': result };
  };
}
