/**
 * The indexing stage's settings from environment-style variables (pure: the caller passes
 * `process.env`): the document roots, the embedder, the vector store and the embedding
 * cache's key prefix. The indexer's main.ts resolves them once at start-up to fail fast on a
 * bad value; each worker thread resolves them again for its own connections (threads get a
 * copy of the process's environment), and the gateway uses the embedder and store parts.
 *
 * | variable | default | meaning |
 * | SEDANO_DOCUMENT_ROOTS | `<repo>/samples/documents` | colon-separated absolute directories documents are read from |
 * | SEDANO_EMBEDDING_CACHE_PREFIX | `sedano:embeddings:` | Redis key prefix of cached vectors |
 * | embedder variables | see embedding/create.ts | |
 * | vector store variables | see vector-store/create.ts | |
 */
import { isAbsolute } from 'node:path';
import { EMBEDDING_CACHE_PREFIX } from './embedding/cache.ts';
import { type EmbedderConfig, resolveEmbedderConfig } from './embedding/create.ts';
import { vectorStoreOptionsFromEnvironment, type VectorStoreOptions } from './vector-store/create.ts';

/** The bundled sample corpus: the document root when SEDANO_DOCUMENT_ROOTS is unset. */
export const DEFAULT_DOCUMENT_ROOT = new URL('../../samples/documents', import.meta.url).pathname;

export interface IndexerSettings {
  /** Absolute directories documents are read from, in lookup order. */
  documentRoots: string[];
  embedder: EmbedderConfig;
  store: VectorStoreOptions;
  /** Prefix of the embedding cache's Redis keys. */
  embeddingCachePrefix: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and validates the settings; throws a RangeError naming every problem at once. */
export function resolveIndexerSettings(env: Environment): IndexerSettings {
  const problems: string[] = [];
  const rootsText = env['SEDANO_DOCUMENT_ROOTS']?.trim();
  const documentRoots =
    rootsText === undefined || rootsText === ''
      ? [DEFAULT_DOCUMENT_ROOT]
      : rootsText.split(':').filter((root) => root !== '');
  for (const root of documentRoots) {
    if (!isAbsolute(root)) problems.push(`SEDANO_DOCUMENT_ROOTS: "${root}" is not an absolute path`);
  }
  if (documentRoots.length === 0) problems.push('SEDANO_DOCUMENT_ROOTS: names no directory');
  let embedder: EmbedderConfig | undefined;
  try {
    embedder = resolveEmbedderConfig(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const prefix = env['SEDANO_EMBEDDING_CACHE_PREFIX']?.trim();
  if (problems.length > 0 || embedder === undefined) {
    throw new RangeError(`invalid indexer settings: ${problems.join('; ')}`);
  }
  return {
    documentRoots,
    embedder,
    store: vectorStoreOptionsFromEnvironment(env),
    embeddingCachePrefix: prefix === undefined || prefix === '' ? EMBEDDING_CACHE_PREFIX : prefix,
  };
}
