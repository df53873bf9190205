/**
 * Where a document's text comes from: a reference read with the indexer's loaders (the same
 * document roots and limits, so no path escapes a root and no bomb is parsed), or a document
 * already indexed, read back from the vector store a window of chunks at a time in position
 * order. Chunks overlap (the splitter repeats the end of one at the start of the next), so
 * the repeated text is cut off before analysis: an amount must not count twice.
 */
import type { DocumentReference } from '../../schemas/document-reference.ts';
import { SedanoError } from '../lib/errors.ts';
import {
  type DocumentLimits,
  type IndexedDocuments,
  openDocumentReference,
  type StoredChunk,
} from '../indexer/document-access.ts';
import type { SectionText } from './analyze-document.ts';

/** A document opened for analysis: its identity and its sections, read as they are iterated. */
export interface OpenedDocument {
  documentId: string;
  source: string;
  sections: AsyncIterable<SectionText>;
}

/** Opens a reference inside `roots`; throws the loaders' SEDANO_ERR_DOCUMENT_* errors. */
export async function openReference(
  reference: DocumentReference,
  roots: readonly string[],
  limits: DocumentLimits,
): Promise<OpenedDocument> {
  const opened = await openDocumentReference(reference, roots, limits);
  return {
    documentId: opened.documentId,
    source: opened.source,
    sections: (async function* () {
      for await (const section of opened.sections) {
        yield {
          text: section.text,
          page: section.page ?? null,
          sheet: section.sheet ?? null,
          rows: section.rows ?? null,
        };
      }
    })(),
  };
}

/** Chunks read from the store per call. */
export const DEFAULT_CHUNK_WINDOW = 256;

/**
 * Opens an indexed document: the first window is read at once, so an id with no chunks fails
 * here (SEDANO_ERR_DOCUMENT_NOT_INDEXED) rather than as an empty analysis.
 */
export async function openIndexed(
  store: Pick<IndexedDocuments, 'documentChunks'>,
  collection: string,
  documentId: string,
  window = DEFAULT_CHUNK_WINDOW,
): Promise<OpenedDocument> {
  const first = await store.documentChunks(collection, documentId, { fromPosition: 0, limit: window });
  if (first.length === 0) {
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_NOT_INDEXED',
      `document "${documentId}" has no chunks in collection "${collection}"`,
      { retriable: false },
    );
  }
  return {
    documentId,
    source: (first[0] as StoredChunk).source,
    sections: mergedSections(stitchedChunks(store, collection, documentId, first, window)),
  };
}

/** The chunks' texts in order, each without what it repeats of the one before. */
async function* stitchedChunks(
  store: Pick<IndexedDocuments, 'documentChunks'>,
  collection: string,
  documentId: string,
  first: StoredChunk[],
  window: number,
): AsyncGenerator<StoredChunk> {
  let chunks = first;
  let previous: string | undefined;
  let from = 0;
  while (chunks.length > 0) {
    for (const chunk of chunks) {
      const text = previous === undefined ? chunk.text : withoutOverlap(previous, chunk.text);
      previous = chunk.text;
      if (text.trim() !== '') yield { ...chunk, text };
    }
    if (chunks.length < window) return;
    from += window;
    chunks = await store.documentChunks(collection, documentId, { fromPosition: from, limit: window });
  }
}

/** Characters a section built from chunks grows to before the next one starts. */
export const MAX_MERGED_SECTION_CHARS = 20_000;

/**
 * Consecutive chunks of one page (or sheet) joined back into one section, so that a sentence
 * the splitter cut in two is whole again for the analysers; rows ranges are merged.
 */
export async function* mergedSections(chunks: AsyncIterable<StoredChunk>): AsyncGenerator<SectionText> {
  let current: SectionText | undefined;
  for await (const chunk of chunks) {
    const rows: [number, number] | null =
      chunk.rowFrom === null || chunk.rowTo === null ? null : [chunk.rowFrom, chunk.rowTo];
    const samePlace = current !== undefined && current.page === chunk.page && current.sheet === chunk.sheet;
    if (current !== undefined && samePlace && current.text.length + chunk.text.length <= MAX_MERGED_SECTION_CHARS) {
      // Row groups stay apart by a line break; prose chunks were cut mid-text and join with a space.
      current.text += rows === null ? ` ${chunk.text}` : `\n${chunk.text}`;
      if (current.rows !== null && rows !== null) current.rows = [current.rows[0], rows[1]];
      continue;
    }
    if (current !== undefined) yield current;
    current = { text: chunk.text, page: chunk.page, sheet: chunk.sheet, rows };
  }
  if (current !== undefined) yield current;
}

/** Shortest repeated text recognised as overlap: shorter matches are coincidence. */
const MIN_OVERLAP = 16;
/** Longest overlap looked for (the splitter's overlap is well below). */
const MAX_OVERLAP = 2_000;

/** `next` without the text it repeats from the end of `previous`. */
export function withoutOverlap(previous: string, next: string): string {
  const tail = previous.slice(-MAX_OVERLAP);
  const probe = next.slice(0, MIN_OVERLAP);
  if (probe.length < MIN_OVERLAP) return next;
  for (let at = tail.indexOf(probe); at >= 0; at = tail.indexOf(probe, at + 1)) {
    const repeated = tail.slice(at);
    if (next.startsWith(repeated)) return next.slice(repeated.length).replace(/^\s+/, '');
  }
  return next;
}
