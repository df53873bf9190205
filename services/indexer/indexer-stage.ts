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
 * in documents/s); launched with INDEXER_LAUNCH, the process's `--max-semi-space-size` sets the
 * same 8 MiB for every isolate and wins over this option, which holds for other launches.
 *
 * The old-generation ceiling is a trade of CPU for memory. V8 lets a heap grow by a factor that
 * scales with its ceiling: up to 4 times its live data between full collections from 2 GiB up,
 * 1.4 times at 512 MiB (the replacement threshold; a 500-page PDF needs 64 MiB). At 512 MiB a
 * thread runs 5-6 full collections over a DOCX+XLSX run instead of 2-3, and the worker
 * spends about 10% more CPU there (4.60-5.61 s against 4.26-4.75 s without a ceiling or at
 * 2 GiB, 16 + 16 documents; V8's background threads 1.75-2.08 s against 1.46-1.74 s), for a
 * peak about 25 MiB lower (476-492 MiB against 505-521 at 2 GiB; 1 GiB: 481-507, three runs
 * each, alternated, 8 PDFs + 8 DOCX + 8 XLSX). The peak is reached while DOCX and XLSX are
 * indexed, after the PDFs; no ceiling above 512 MiB stays within issue 12's 500 MiB.
 * A document that needs more fails its attempt (the thread dies and is replaced) instead of
 * finishing in a thread that is then replaced.
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
