/** Chunks for the vector-store tests of the maintenance tasks. */
import { chunkId } from '../../../../services/indexer/vector-store/chunk-id.ts';
import type { ChunkRecord } from '../../../../services/indexer/vector-store/port.ts';

export function chunk(documentId: string, position: number, vector: number[]): ChunkRecord {
  const contentHash = `h-${documentId}-${position}`;
  return {
    id: chunkId(documentId, position, contentHash),
    documentId,
    documentHash: `d-${documentId}`,
    source: `${documentId}.txt`,
    text: `text ${documentId} ${position}`,
    vector,
    page: null,
    sheet: null,
    rowFrom: null,
    rowTo: null,
    heading: null,
    position,
    contentHash,
    metadata: {},
  };
}
