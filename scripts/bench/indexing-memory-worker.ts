/**
 * A worker thread of the indexing benchmark's memory run: indexes one document with
 * indexDocuments (its own store, cached embedder and Redis, as a stage thread has) under the
 * heap limit its parent set, sampling its own V8 heap, and posts the peak back.
 *
 * workerData: { uri, root, dataDir, namespace, collection, redisUrl }.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { resolveDocumentLimits } from '../../services/indexer/documents/limits.ts';
import { withEmbeddingCache } from '../../services/indexer/embedding/cache.ts';
import { createHashingEmbedder } from '../../services/indexer/embedding/hashing.ts';
import { indexDocuments } from '../../services/indexer/index-documents.ts';
import { openLanceDbVectorStore } from '../../services/indexer/vector-store/lancedb.ts';
import { redisKeys } from '../../topology/redis-keys.ts';

export interface MemoryWorkerData {
  uri: string;
  root: string;
  dataDir: string;
  /** The benchmark's namespace (its embedding-cache keys). */
  namespace: string;
  collection: string;
  redisUrl: string;
}

export interface MemoryWorkerReport {
  peakHeapUsedBytes: number;
  durationMs: number;
  chunks: number;
}

const data = workerData as MemoryWorkerData;
let peak = 0;
const sample = () => {
  peak = Math.max(peak, getHeapStatistics().used_heap_size);
};
const timer = setInterval(sample, 10);
const redis = new Redis(data.redisUrl);
const store = await openLanceDbVectorStore({ dataDir: data.dataDir });
const started = performance.now();
const result = await indexDocuments(
  {
    collection: data.collection,
    documents: [{ uri: data.uri, documentId: null, contentType: null, metadata: {} }],
    chunkSize: null,
    chunkOverlap: null,
  },
  {
    store,
    embedder: withEmbeddingCache(createHashingEmbedder(), redis, { keys: redisKeys(data.namespace) }),
    documentRoots: [data.root],
    limits: resolveDocumentLimits(),
  },
  { signal: new AbortController().signal, progress: sample },
);
const durationMs = performance.now() - started;
clearInterval(timer);
sample();
if (result.failed.length > 0) throw new Error(`the document failed: ${JSON.stringify(result.failed)}`);
await store.close();
redis.disconnect();
const report: MemoryWorkerReport = { peakHeapUsedBytes: peak, durationMs, chunks: result.chunksWritten };
parentPort?.postMessage(report);
