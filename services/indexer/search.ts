/**
 * Collection search, the port the indexer exports to other services (the gateway's search
 * route): a query embedded with the embedder the collection was indexed with, answered with the
 * collection's nearest chunks. Callers import this module only, never the indexer's internals.
 */
import { SedanoError } from '../lib/errors.ts';
import type { ResolvedSettings } from '../lib/settings.ts';
import { createEmbedder, embedderConfigOf, embedderSettings } from './embedding/create.ts';
import type { SearchFilter, SearchHit } from './vector-store/port.ts';
import { createVectorStore, vectorStoreOptionsOf, vectorStoreSettings } from './vector-store/create.ts';

export type { SearchFilter, SearchHit };

/** The settings search needs: the indexer's embedder and vector store. */
export const collectionSearchSettings = { ...embedderSettings, ...vectorStoreSettings };
export type CollectionSearchSettings = ResolvedSettings<typeof collectionSearchSettings>;

export interface SearchRequest {
  query: string;
  limit: number;
  filter?: SearchFilter;
}

export interface CollectionSearch {
  /** The embedder's name (`hashing-384`, …), as collections record it. */
  readonly embedderName: string;
  /**
   * The nearest chunks, best first. Throws SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND for an unknown
   * collection and SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH for one indexed with another embedder.
   */
  search(collection: string, request: SearchRequest): Promise<SearchHit[]>;
  close(): Promise<void>;
}

/** Opens the store and the embedder that `settings` describe (throws a SettingsError for an incomplete embedder). */
export async function openCollectionSearch(settings: CollectionSearchSettings): Promise<CollectionSearch> {
  const embedder = await createEmbedder(embedderConfigOf(settings));
  const store = await createVectorStore(vectorStoreOptionsOf(settings));
  return {
    embedderName: embedder.name,
    async search(collection, { query, limit, filter }) {
      const info = await store.info(collection);
      if (info === undefined) {
        throw new SedanoError('SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND', `no collection ${collection}`);
      }
      if (info.embedder !== embedder.name || info.dimension !== embedder.dimension) {
        throw new SedanoError(
          'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
          `collection ${collection} was indexed with embedder ${info.embedder} (dimension ${info.dimension}), ` +
            `but this service embeds with ${embedder.name} (dimension ${embedder.dimension}); ` +
            'configure it with the same embedder settings as the indexer',
        );
      }
      const [vector] = await embedder.embed([query]);
      if (vector === undefined) {
        throw new SedanoError('SEDANO_ERR_EMBEDDER_BAD_RESPONSE', `embedder ${embedder.name} returned no vector`);
      }
      return store.search(collection, vector, { limit, ...(filter === undefined ? {} : { filter }) });
    },
    close: () => store.close(),
  };
}
