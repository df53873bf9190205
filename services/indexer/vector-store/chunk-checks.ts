/**
 * Checks every vector store adapter applies before it touches storage, so both refuse the
 * same input with the same error codes: collection names, vector dimensions, the chunks of
 * one document, search options. Pure: no I/O.
 */
import { SedanoError } from '../../lib/errors.ts';
import type { ChunkRecord, CollectionSpec, DocumentChunksWindow, SearchOptions } from './port.ts';

/** Letters, digits, `_` and `-`, starting with a letter or digit: valid for LanceDB and Qdrant alike. */
const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Qdrant's limit on a dense vector's dimension. */
const MAX_DIMENSION = 65_535;

function invalid(message: string): SedanoError {
  return new SedanoError('SEDANO_ERR_VECTOR_INVALID_INPUT', message);
}

export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw invalid(`invalid collection name ${JSON.stringify(name)}: use 1-128 letters, digits, _ or -`);
  }
}

export function assertCollectionSpec(spec: CollectionSpec): void {
  assertCollectionName(spec.name);
  if (spec.embedder.trim() === '') throw invalid(`collection ${spec.name}: the embedder name is empty`);
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > MAX_DIMENSION) {
    throw invalid(
      `collection ${spec.name}: dimension must be an integer from 1 to ${MAX_DIMENSION}, got ${spec.dimension}`,
    );
  }
}

/** Refuses a vector whose length is not the collection's dimension, or that holds a non-finite number. */
export function assertVector(vector: ArrayLike<number>, dimension: number, collection: string, what: string): void {
  if (vector.length !== dimension) {
    throw new SedanoError(
      'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH',
      `${what}: vector of dimension ${vector.length}, but collection ${collection} has dimension ${dimension}`,
    );
  }
  for (let index = 0; index < vector.length; index++) {
    if (!Number.isFinite(vector[index])) throw invalid(`${what}: vector value ${index} is not a finite number`);
  }
}

/** An existing collection must have been made for the same embedder and dimension. */
export function assertSameSpec(wanted: CollectionSpec, existing: { embedder: string; dimension: number }): void {
  if (existing.dimension !== wanted.dimension) {
    throw new SedanoError(
      'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH',
      `collection ${wanted.name} has dimension ${existing.dimension}, but ${wanted.embedder} gives ${wanted.dimension}`,
    );
  }
  if (existing.embedder !== wanted.embedder) {
    throw new SedanoError(
      'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
      `collection ${wanted.name} was created for embedder ${existing.embedder}, not ${wanted.embedder}`,
    );
  }
}

/**
 * The chunks given for one document must all belong to it, share one document hash, have
 * distinct UUID ids and vectors of the collection's dimension.
 */
export function assertDocumentChunks(
  collection: string,
  dimension: number,
  documentId: string,
  chunks: readonly ChunkRecord[],
): void {
  if (documentId === '') throw invalid('the document id is empty');
  const ids = new Set<string>();
  const documentHash = chunks[0]?.documentHash;
  for (const chunk of chunks) {
    const what = `chunk ${chunk.position} (${chunk.id}) of document ${documentId}`;
    if (chunk.documentId !== documentId) throw invalid(`${what} belongs to document ${chunk.documentId}`);
    if (!UUID.test(chunk.id)) throw invalid(`${what}: the id is not a lower-case UUID (use chunkId())`);
    if (ids.has(chunk.id)) throw invalid(`${what}: the id appears twice`);
    ids.add(chunk.id);
    if (chunk.documentHash !== documentHash) throw invalid(`${what}: the chunks carry different document hashes`);
    if (!Number.isInteger(chunk.position) || chunk.position < 0) throw invalid(`${what}: bad position`);
    for (const [key, value] of Object.entries(chunk.metadata)) {
      if (typeof value !== 'string') throw invalid(`${what}: metadata ${key} is not a string`);
    }
    assertVector(chunk.vector, dimension, collection, what);
  }
}

export function assertChunksWindow(window: DocumentChunksWindow): void {
  if (!Number.isInteger(window.fromPosition) || window.fromPosition < 0) {
    throw invalid(`fromPosition must be a whole number, got ${window.fromPosition}`);
  }
  if (!Number.isInteger(window.limit) || window.limit < 1) {
    throw invalid(`the window's limit must be a positive integer, got ${window.limit}`);
  }
}

export function assertSearchOptions(options: SearchOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw invalid(`search limit must be a positive integer, got ${options.limit}`);
  }
}

/**
 * One metadata pair as a single string, `["key","value"]`: stored in a list per chunk so a
 * filter on any key is one exact match on that list, without key paths (a key may contain
 * dots or quotes) and without a schema change per new key.
 */
export function metadataEntry(key: string, value: string): string {
  return JSON.stringify([key, value]);
}

export function metadataEntries(metadata: Record<string, string>): string[] {
  return Object.entries(metadata).map(([key, value]) => metadataEntry(key, value));
}
