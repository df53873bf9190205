/**
 * The indexer worker's settings (services/lib/settings.ts): the shared base, the document roots,
 * the embedder and the vector store, and how many jobs run at once. main.ts resolves them once;
 * the worker threads get what they need as the stage's `handlerData` (`indexerThreadSettings`),
 * since threads never read the environment.
 */
import type { RedisKeys } from '../../topology/redis-keys.ts';
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';
import { type EmbedderConfig, embedderConfigOf, embedderSettings } from './embedding/create.ts';
import { vectorStoreOptionsOf, type VectorStoreOptions, vectorStoreSettings } from './vector-store/create.ts';

/** The bundled sample corpus: the document root when SEDANO_DOCUMENT_ROOTS is unset. */
export const DEFAULT_DOCUMENT_ROOT = new URL('../../samples/documents', import.meta.url).pathname;

/** Where documents are read from: shared by every stage that reads documents (indexing, analysis, training). */
export const documentRootsSetting = setting.list('SEDANO_DOCUMENT_ROOTS', {
  description:
    'colon-separated absolute directories documents are read from (relative references: first root that has them)',
  default: DEFAULT_DOCUMENT_ROOT,
  defaultShown: '`<repo>/samples/documents`',
  separator: ':',
  itemPattern: '^/',
  itemExpected: 'absolute paths',
});

export const indexerSettings = defineSettings({
  ...baseSettings,
  documentRoots: documentRootsSetting,
  concurrency: setting.integer('SEDANO_INDEXER_CONCURRENCY', {
    description: 'jobs one indexer process runs at once, one per worker thread',
    default: 4,
    minimum: 1,
    maximum: 64,
  }),
  ...embedderSettings,
  ...vectorStoreSettings,
});

export type IndexerSettings = ResolvedSettings<typeof indexerSettings>;

/** What an indexing thread builds its collaborators from (structured-cloneable). */
export interface IndexerThreadSettings {
  /** Absolute directories documents are read from, in lookup order. */
  documentRoots: readonly string[];
  embedder: EmbedderConfig;
  store: VectorStoreOptions;
  redisUrl: string;
  /** The namespace whose embedding-cache keys the thread uses. */
  namespace: RedisKeys['namespace'];
}

/** The threads' settings from the resolved ones (throws a SettingsError for an incomplete embedder). */
export function indexerThreadSettings(settings: IndexerSettings): IndexerThreadSettings {
  return {
    documentRoots: settings.documentRoots,
    embedder: embedderConfigOf(settings),
    store: vectorStoreOptionsOf(settings),
    redisUrl: settings.redisUrl,
    namespace: settings.namespace,
  };
}
