/**
 * How chunks are laid out in Qdrant: one point per chunk (the chunk id is the point id, a
 * UUID), the chunk's fields as payload, and the collection's embedder and dimension in the
 * collection metadata (Qdrant 1.16+). Filters are exact keyword matches; metadata is matched
 * through `metadataEntries` (see chunk-checks.ts metadataEntry) so no key path is ever built
 * from a user's key. Pure: no I/O.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import { metadataEntries, metadataEntry } from './chunk-checks.ts';
import type { ChunkRecord, CollectionSpec, SearchFilter, StoredChunk } from './port.ts';

const EMBEDDER_KEY = 'sedano.embedder';
const DIMENSION_KEY = 'sedano.dimension';

/** Payload fields with a keyword index: every filter sedano sends uses one of them. */
export const INDEXED_FIELDS = ['documentId', 'source', 'metadataEntries'] as const;

export function collectionMetadata(spec: CollectionSpec): Record<string, unknown> {
  return { [EMBEDDER_KEY]: spec.embedder, [DIMENSION_KEY]: spec.dimension };
}

/**
 * The embedder and dimension recorded in a collection's metadata, or undefined when it
 * records none (made outside sedano, or by a Qdrant older than 1.16, which drops metadata).
 */
export function specOfCollection(
  name: string,
  metadata: Record<string, unknown> | null | undefined,
): CollectionSpec | undefined {
  const embedder = metadata?.[EMBEDDER_KEY];
  const dimension = metadata?.[DIMENSION_KEY];
  if (typeof embedder !== 'string' || typeof dimension !== 'number') return undefined;
  return { name, embedder, dimension };
}

/** The size of a collection's single unnamed vector, or undefined if it has named vectors. */
export function vectorSize(vectors: Schemas['VectorsConfig'] | undefined): number | undefined {
  return vectors !== undefined && 'size' in vectors && typeof vectors.size === 'number' ? vectors.size : undefined;
}

export function chunkPoint(chunk: ChunkRecord): Schemas['PointStruct'] {
  const { vector, id, ...fields } = chunk;
  return { id, vector: Array.from(vector), payload: { ...fields, metadataEntries: metadataEntries(chunk.metadata) } };
}

const nullableNumber = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const nullableString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function storedChunkOfPayload(id: string | number, payload: Record<string, unknown>): StoredChunk {
  return {
    id: String(id),
    documentId: String(payload['documentId']),
    documentHash: String(payload['documentHash']),
    source: String(payload['source']),
    text: String(payload['text']),
    page: nullableNumber(payload['page']),
    sheet: nullableString(payload['sheet']),
    rowFrom: nullableNumber(payload['rowFrom']),
    rowTo: nullableNumber(payload['rowTo']),
    heading: nullableString(payload['heading']),
    position: Number(payload['position']),
    contentHash: String(payload['contentHash']),
    metadata: (payload['metadata'] ?? {}) as Record<string, string>,
  };
}

function matches(key: string, value: string): Schemas['FieldCondition'] {
  return { key, match: { value } };
}

export function documentFilter(documentId: string): Schemas['Filter'] {
  return { must: [matches('documentId', documentId)] };
}

/** The chunks of `documentId` whose position is in [from, from + limit). */
export function documentWindowFilter(documentId: string, fromPosition: number, limit: number): Schemas['Filter'] {
  return {
    must: [
      matches('documentId', documentId),
      { key: 'position', range: { gte: fromPosition, lt: fromPosition + limit } },
    ],
  };
}

/** The Qdrant filter for a search filter, or undefined when it filters nothing. */
export function searchFilter(filter: SearchFilter | undefined): Schemas['Filter'] | undefined {
  if (!filter) return undefined;
  const must: Schemas['FieldCondition'][] = [];
  if (filter.documentId !== undefined) must.push(matches('documentId', filter.documentId));
  if (filter.source !== undefined) must.push(matches('source', filter.source));
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    must.push(matches('metadataEntries', metadataEntry(key, value)));
  }
  return must.length === 0 ? undefined : { must };
}
