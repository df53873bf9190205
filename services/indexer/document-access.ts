/**
 * Document access, the port the indexer exports to services that read documents (the analysis
 * stage): a reference read under the indexer's rules (inside the document roots, the
 * per-document limits and archive-bomb checks, parsed section by section), and the documents
 * already indexed, read back from the vector store in chunk order. Callers import this module
 * only, never the indexer's internals.
 */
import type { DocumentReference } from '../../schemas/document-reference.ts';
import type { DocumentSection } from './documents/document-section.ts';
import type { DocumentLimits } from './documents/limits.ts';
import { loadDocument } from './documents/load-document.ts';
import { resolveDocument } from './documents/resolve.ts';
import type { DocumentChunksWindow, StoredChunk } from './vector-store/port.ts';
import { createVectorStore, type VectorStoreOptions } from './vector-store/create.ts';

export { type DocumentLimits, resolveDocumentLimits } from './documents/limits.ts';
export { documentRootsSetting } from './settings.ts';
export { vectorStoreOptionsOf, type VectorStoreOptions, vectorStoreSettings } from './vector-store/create.ts';
export type { DocumentChunksWindow, DocumentSection, StoredChunk };

/** A reference resolved and loaded: its id, where it came from, and its sections as they parse. */
export interface ReadableDocument {
  /** The reference's documentId, or its path relative to its root. */
  documentId: string;
  /** The reference's uri, as given. */
  source: string;
  /** Parsed as iterated (iterate once); parse failures throw SEDANO_ERR_DOCUMENT_* from the iteration. */
  sections: AsyncIterable<DocumentSection>;
}

/**
 * Resolves `reference` inside `roots` and loads it under `limits` (size, hash and bomb checks
 * before any parsing). Throws the SEDANO_ERR_DOCUMENT_* errors of the indexer's loaders.
 */
export async function openDocumentReference(
  reference: Pick<DocumentReference, 'documentId' | 'uri' | 'contentType'>,
  roots: readonly string[],
  limits: DocumentLimits,
): Promise<ReadableDocument> {
  const resolved = await resolveDocument(reference, roots);
  const loaded = await loadDocument(resolved.path, reference.contentType, limits);
  return { documentId: resolved.documentId, source: resolved.source, sections: loaded.sections };
}

/** Indexed documents, read back from the vector store. */
export interface IndexedDocuments {
  /**
   * The document's chunks whose position is in the window, in position order; [] when the
   * collection holds none; SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND for a missing collection.
   */
  documentChunks(collection: string, documentId: string, window: DocumentChunksWindow): Promise<StoredChunk[]>;
  close(): Promise<void>;
}

/** Opens the vector store `options` describe, for reading documents back. */
export async function openIndexedDocuments(options: VectorStoreOptions): Promise<IndexedDocuments> {
  const store = await createVectorStore(options);
  return {
    documentChunks: (collection, documentId, window) => store.documentChunks(collection, documentId, window),
    close: () => store.close(),
  };
}

/** Resolves a reference inside the document roots (no loading): for readers with their own parser (datasets). */
export { resolveDocument } from './documents/resolve.ts';
