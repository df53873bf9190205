/**
 * The analyzer worker's settings (services/lib/settings.ts): the shared base, the document
 * roots and the vector store (both shared with the indexer), the collection indexed documents
 * are read from by default, the per-document text limit and how many jobs run at once. A
 * main.ts resolves them once; the worker threads get what they need as the stage's
 * `handlerData` (`analyzerThreadSettings`), since threads never read the environment.
 */
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';
import {
  documentRootsSetting,
  vectorStoreOptionsOf,
  type VectorStoreOptions,
  vectorStoreSettings,
} from '../indexer/document-access.ts';
import { type EmbedderConfig, embedderConfigOf, embedderSettings } from '../indexer/embedding-access.ts';
import { modelDirSetting } from '../trainer/model-catalog.ts';
import { DEFAULT_MAX_DOCUMENT_CHARS } from './analyze-documents.ts';

/** The collection `documentIds` are read from when a job names none. */
export const DEFAULT_ANALYSIS_COLLECTION = 'documents';

export const analyzerSettings = defineSettings({
  ...baseSettings,
  documentRoots: documentRootsSetting,
  concurrency: setting.integer('SEDANO_ANALYZER_CONCURRENCY', {
    description: 'jobs one analyzer process runs at once, one per worker thread (the analysis is CPU-bound)',
    default: 2,
    minimum: 1,
    maximum: 64,
  }),
  defaultCollection: setting.string('SEDANO_ANALYSIS_COLLECTION', {
    description: 'vector store collection an analysis job reads its `documentIds` from when it names none',
    default: DEFAULT_ANALYSIS_COLLECTION,
    pattern: '^[A-Za-z0-9_-]{1,128}$',
    expected: 'a collection name (letters, digits, _ and -)',
  }),
  maxDocumentChars: setting.integer('SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS', {
    description: 'most characters of text analysed per document; a longer one fails with SEDANO_ERR_DOCUMENT_TOO_LARGE',
    default: DEFAULT_MAX_DOCUMENT_CHARS,
    minimum: 1,
  }),
  ...vectorStoreSettings,
  // A job's `modelId` is a classifier of the model registry, over the embedder it was trained with.
  modelDir: modelDirSetting,
  ...embedderSettings,
});

export type AnalyzerSettings = ResolvedSettings<typeof analyzerSettings>;

/** What an analysis thread builds its collaborators from (structured-cloneable). */
export interface AnalyzerThreadSettings {
  /** Absolute directories documents are read from, in lookup order. */
  documentRoots: readonly string[];
  store: VectorStoreOptions;
  /** Collection read when a job names none. */
  defaultCollection: string;
  /** Most characters of text analysed per document. */
  maxDocumentChars: number;
  /** Where model versions are (a job's `modelId`), with the Redis index of the namespace. */
  modelDir: string;
  redisUrl: string;
  namespace: string;
  /** The embedder texts are classified with: the one the models were trained on. */
  embedder: EmbedderConfig;
}

/** The threads' settings from the resolved ones. */
export function analyzerThreadSettings(settings: AnalyzerSettings): AnalyzerThreadSettings {
  return {
    documentRoots: settings.documentRoots,
    store: vectorStoreOptionsOf(settings),
    defaultCollection: settings.defaultCollection,
    maxDocumentChars: settings.maxDocumentChars,
    modelDir: settings.modelDir,
    redisUrl: settings.redisUrl,
    namespace: settings.namespace,
    embedder: embedderConfigOf(settings),
  };
}
