/**
 * Worker thread for the vector store conformance suite: creates a store of its own from the
 * options it is given (as the indexing stage's worker threads do), replaces one document's
 * chunks, and reports the result and the collection's count to its parent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createVectorStore, type VectorStoreOptions } from '../../../../services/indexer/vector-store/create.ts';
import type { ChunkRecord } from '../../../../services/indexer/vector-store/port.ts';

interface WorkerInput {
  options: VectorStoreOptions;
  collection: string;
  documentId: string;
  chunks: ChunkRecord[];
}

const input = workerData as WorkerInput;
const store = await createVectorStore(input.options);
try {
  const result = await store.replaceDocument(input.collection, input.documentId, input.chunks);
  const info = await store.info(input.collection);
  parentPort!.postMessage({ kind: store.kind, result, chunkCount: info?.chunkCount });
} finally {
  await store.close();
}
