/**
 * The vector store port: what the indexing stage (and maintenance) needs from a store of
 * chunks and their embeddings, whatever holds them. Two adapters implement it: Qdrant
 * (`qdrant.ts`, whenever `QDRANT_URL` is set) and an embedded LanceDB (`lancedb.ts`).
 *
 * Semantics every adapter keeps (test/integration/services/indexer/vector-store-conformance.test.ts):
 * - A collection records the embedder and the dimension it was created for. `ensureCollection`
 *   creates it, or checks that an existing one matches: another dimension is
 *   SEDANO_ERR_VECTOR_DIMENSION_MISMATCH, another embedder SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH.
 *   Every vector written or searched with must have the collection's dimension.
 * - A chunk's id is deterministic (`chunkId`: documentId + chunk index + content hash), so a
 *   redelivered job writes the same ids and never duplicates a chunk.
 * - `replaceDocument` makes the collection hold exactly the given chunks for that document:
 *   new ids are inserted, ids no longer present are deleted, ids already stored with the same
 *   document hash are left alone (an unchanged document writes nothing), ids stored under
 *   another document hash are rewritten (so every chunk of a document carries its current
 *   hash). Repeating the same call changes nothing.
 * - `documentHash` is the document hash stored with a document's chunks, or null when the
 *   collection holds none: the indexer compares it to skip unchanged documents.
 * - `documentChunks` reads a document back in chunk order (positions from..from+limit-1), so
 *   the analysis stage can page through a long document with bounded memory; a document
 *   with no chunks reads as [], a missing collection is SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND.
 * - Search scores are cosine similarities (1 is identical, higher is nearer), best first.
 * - Adapters hold no process-global state beyond their own connection, so each worker thread
 *   may create its own; `close()` is idempotent.
 */

/** One chunk of a document with its embedding and where it came from. */
export interface ChunkRecord {
  /** Deterministic UUID of the chunk (`chunkId`), the same on every redelivery. */
  id: string;
  documentId: string;
  /** Hash of the whole document's content; equal on all chunks of one document version. */
  documentHash: string;
  /** Where the document came from (its URI or path), for citations and filters. */
  source: string;
  text: string;
  vector: Float32Array | number[];
  /** 1-based page number (PDF), or null. */
  page: number | null;
  /** Sheet name (XLSX), or null. */
  sheet: string | null;
  /** First and last spreadsheet row in the chunk (1-based, inclusive), or null. */
  rowFrom: number | null;
  rowTo: number | null;
  /** The nearest heading above the chunk (Markdown, DOCX, HTML), or null. */
  heading: string | null;
  /** The chunk's index within its document, from 0. */
  position: number;
  /** Hash of the chunk's text. */
  contentHash: string;
  /** The job's metadata for the document; every value is a string, searchable by exact match. */
  metadata: Record<string, string>;
}

/** A chunk as a search returns it: everything but its vector. */
export type StoredChunk = Omit<ChunkRecord, 'vector'>;

export interface SearchHit {
  /** Cosine similarity to the query vector: 1 is identical, higher is nearer. */
  score: number;
  chunk: StoredChunk;
}

/** What a collection is for: its name, the embedder that fills it and that embedder's dimension. */
export interface CollectionSpec {
  name: string;
  /** The embedder's name (e.g. `transformers:Xenova/all-MiniLM-L6-v2`), recorded in the collection. */
  embedder: string;
  /** Length of every vector in the collection. */
  dimension: number;
}

export interface CollectionInfo extends CollectionSpec {
  /** Always cosine: scores are cosine similarities. */
  distance: 'cosine';
  /** Chunks stored in the collection. */
  chunkCount: number;
}

/** Exact-match filters; all given ones must hold. */
export interface SearchFilter {
  documentId?: string;
  source?: string;
  /** Every key must be present in the chunk's metadata with exactly this value. */
  metadata?: Record<string, string>;
}

export interface SearchOptions {
  /** Most hits to return, at least 1. */
  limit: number;
  filter?: SearchFilter;
}

/** A window of a document's chunks by position: `[fromPosition, fromPosition + limit)`. */
export interface DocumentChunksWindow {
  /** First position to return, from 0. */
  fromPosition: number;
  /** Most chunks to return, at least 1. */
  limit: number;
}

export interface ReplaceResult {
  /** Chunks inserted or rewritten. 0 when the document was already stored as given. */
  written: number;
  /** Stale chunks of the document deleted. */
  deleted: number;
  /** Chunks already stored with the same id and document hash, left alone. */
  unchanged: number;
}

export interface SnapshotResult {
  /** Where the snapshot is: a directory or file path, or (Qdrant without a target directory) its URL. */
  location: string;
  /** Its size on disk, when known. */
  bytes?: number;
  /** Chunks in the collection at the time of the snapshot, when known. */
  chunkCount?: number;
}

export interface VectorStore {
  /** Which adapter this is, for logs and results. */
  readonly kind: 'lancedb' | 'qdrant';
  /** Creates the collection, or checks that the existing one was made for this embedder and dimension. */
  ensureCollection(spec: CollectionSpec): Promise<CollectionInfo>;
  /** The document hash stored with the document's chunks, or null if the collection has none. */
  documentHash(collection: string, documentId: string): Promise<string | null>;
  /** The document's chunks whose position is in the window, in position order (see the module comment). */
  documentChunks(collection: string, documentId: string, window: DocumentChunksWindow): Promise<StoredChunk[]>;
  /** Makes the collection hold exactly `chunks` for the document (see the module comment). */
  replaceDocument(collection: string, documentId: string, chunks: readonly ChunkRecord[]): Promise<ReplaceResult>;
  /** Deletes every chunk of the document; returns how many there were. */
  deleteDocument(collection: string, documentId: string): Promise<number>;
  /** The nearest chunks to `vector`, best first. */
  search(collection: string, vector: Float32Array | number[], options: SearchOptions): Promise<SearchHit[]>;
  /** The collection's embedder, dimension and counts, or undefined if it does not exist. */
  info(collection: string): Promise<CollectionInfo | undefined>;
  /** Compacts and re-indexes the collection (LanceDB: optimize; Qdrant: its optimizers). */
  optimize(collection: string): Promise<void>;
  /** Takes a snapshot of the collection; `targetDir` is where a copy goes (default per adapter). */
  snapshot(collection: string, targetDir?: string): Promise<SnapshotResult>;
  /** Deletes the collection and all its chunks; false if it did not exist. */
  dropCollection(collection: string): Promise<boolean>;
  /** Releases the connection; idempotent. */
  close(): Promise<void>;
}
