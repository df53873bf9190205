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
 * 512 MiB; its young generation stays under 8 MiB and its old generation under 1 GiB. Parsing
 * and chunking allocate fast, and V8 would otherwise grow each thread's young generation to tens
 * of MiB (with 4 threads that was about 150 MiB of the worker's peak RSS, for no measurable gain
 * in documents/s) and, sizing its heap by the machine's memory, let each thread's old
 * generation fill with up to 4 times its live data between full collections. The 1 GiB ceiling
 * (twice the replacement threshold, far above the 64 MiB a 500-page PDF needs) makes V8 collect
 * sooner: about 40 MiB less at the peak with 4 threads.
 */
export const DEFAULT_INDEXER_THREADS: Readonly<
  Required<Pick<ThreadOptions, 'maxJobsPerThread' | 'maxHeapMb' | 'maxYoungGenerationMb' | 'maxOldGenerationMb'>>
> = Object.freeze({ maxJobsPerThread: 50, maxHeapMb: 512, maxYoungGenerationMb: 8, maxOldGenerationMb: 1024 });

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
