/**
 * Collections: `POST /v1/collections/:name/search` embeds the query with the gateway's
 * embedder and answers the collection's nearest chunks, best first, with where each comes
 * from (document, source, page, sheet and rows, heading) and its cosine score. The embedder
 * must be the one the collection was indexed with (its name and dimension, as the collection
 * records them): a query embedded otherwise would return meaningless neighbours, so the
 * request is refused (409) rather than answered.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CollectionSearch, SearchFilter, SearchHit } from '../../indexer/search.ts';
import { apiError } from '../errors.ts';
import { routeResponses } from '../schemas.ts';

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 100;

interface SearchBody {
  query: string;
  limit?: number;
  filter?: SearchFilter;
}

const collectionParams = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$', description: 'A collection name.' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const searchBody = {
  type: 'object',
  properties: {
    query: { type: 'string', minLength: 1, maxLength: 8192, description: 'The text to look for.' },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_SEARCH_LIMIT,
      description: `Most hits (default ${DEFAULT_SEARCH_LIMIT}).`,
    },
    filter: {
      type: 'object',
      description: 'Exact-match filters; all given ones must hold.',
      properties: {
        documentId: { type: 'string', minLength: 1 },
        source: { type: 'string', minLength: 1 },
        metadata: { type: 'object', additionalProperties: { type: 'string' } },
      },
      additionalProperties: false,
    },
  },
  required: ['query'],
  additionalProperties: false,
} as const;

/** A hit as the API answers it (pure). */
export function searchHitReply({ score, chunk }: SearchHit) {
  return {
    score,
    documentId: chunk.documentId,
    source: chunk.source,
    page: chunk.page,
    sheet: chunk.sheet,
    rows: chunk.rowFrom === null || chunk.rowTo === null ? null : [chunk.rowFrom, chunk.rowTo],
    heading: chunk.heading,
    position: chunk.position,
    text: chunk.text,
    metadata: chunk.metadata,
  };
}

/**
 * The search route, a fastify plugin given only collection search; `search` is undefined when
 * the gateway could not open the store (the route answers 503). A collection that does not
 * exist (404) or was indexed with another embedder (409) is answered by its code's status.
 */
export const collectionRoutes: FastifyPluginAsync<{ search: CollectionSearch | undefined }> = async (
  app,
  { search },
) => {
  app.post<{ Params: { name: string }; Body: SearchBody }>(
    '/v1/collections/:name/search',
    {
      config: { scope: 'read' },
      schema: {
        summary: "Search a collection's chunks by meaning",
        description:
          "Embeds `query` with the collection's embedder and answers the nearest chunks, best first, " +
          'with their source, page, sheet and rows, heading, text and cosine score.',
        tags: ['collections'],
        params: collectionParams,
        body: searchBody,
        response: routeResponses(
          { 200: { description: 'The nearest chunks, best first' } },
          {
            body: true,
            codes: [
              'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND',
              'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
              'SEDANO_ERR_VECTOR_INVALID_INPUT',
              'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
            ],
          },
        ),
      },
    },
    async (request) => {
      if (search === undefined) {
        throw apiError(
          'SEDANO_ERR_API_UNAVAILABLE',
          'collection search is not available on this gateway (see its log)',
        );
      }
      const { name } = request.params;
      const { query, filter } = request.body;
      const limit = request.body.limit ?? DEFAULT_SEARCH_LIMIT;
      const hits = await search.search(name, { query, limit, ...(filter === undefined ? {} : { filter }) });
      return { collection: name, embedder: search.embedderName, hits: hits.map(searchHitReply) };
    },
  );
};
