/**
 * The `indexing` stage: its handler (handler.ts) runs in the stage's worker threads, so
 * parsing PDFs and spreadsheets never holds the event loop that heartbeats to Kafka; the vector
 * store, the embedding cache's Redis connection and the embedder are the stage's thread
 * services (thread-services.ts), once per process in the main thread.
 */
import { defineStage, type StageOptions, type ThreadOptions } from '../lib/runtime/stage.ts';
import type { IndexerThreadSettings } from './settings.ts';

/**
 * Thread defaults: a thread is replaced after 50 jobs, or after a job that leaves its heap above
 * 512 MiB; its young generation stays under 8 MiB and its old generation under 512 MiB. Parsing
 * and chunking allocate fast, and V8 would otherwise grow each thread's young generation to tens
 * of MiB (with 4 threads that was about 150 MiB of the worker's peak RSS, for no measurable gain
 * in documents/s) and, sizing a heap by the machine's memory, let each thread's old generation
 * fill with up to 4 times its live data between full collections. With a 512 MiB ceiling (the
 * replacement threshold; a 500-page PDF needs 64 MiB) V8 collects sooner: about 70 MiB less at
 * the worker's peak with 4 threads. A document that needs more fails its attempt (the thread
 * dies and is replaced) instead of finishing in a thread that is then replaced.
 */
export const DEFAULT_INDEXER_THREADS: Readonly<
  Required<Pick<ThreadOptions, 'maxJobsPerThread' | 'maxHeapMb' | 'maxYoungGenerationMb' | 'maxOldGenerationMb'>>
> = Object.freeze({ maxJobsPerThread: 50, maxHeapMb: 512, maxYoungGenerationMb: 8, maxOldGenerationMb: 512 });

/** Indexing defaults: 4 jobs at once (one per thread), progress at most every 500 ms. */
export const DEFAULT_INDEXER_CONCURRENCY = 4;

/**
 * The indexing stage: its threads build their collaborators from `settings`; `options` override
 * the defaults above (threads merged field by field).
 */
export function createIndexerStage(settings: IndexerThreadSettings, options: StageOptions = {}) {
  return defineStage({
    stage: 'indexing',
    handlerModule: new URL('./handler.ts', import.meta.url),
    handlerData: settings,
    threadServices: async (logger) =>
      (await import('./thread-services.ts')).openIndexerThreadServices(settings, logger),
    options: {
      concurrency: DEFAULT_INDEXER_CONCURRENCY,
      ...options,
      threads: { ...DEFAULT_INDEXER_THREADS, ...options.threads },
    },
  });
}
