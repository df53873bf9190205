/**
 * The `analysis` stage: its handler (handler.ts) runs in the stage's worker threads, so
 * parsing documents and analysing their text never holds the event loop that heartbeats to
 * Kafka.
 */
import { defineStage, type StageOptions, type ThreadOptions } from '../lib/runtime/stage.ts';
import type { AnalyzerThreadSettings } from './settings.ts';

/** Thread defaults: a thread is replaced after 100 jobs, or after a job that leaves its heap above 768 MiB. */
export const DEFAULT_ANALYZER_THREADS: Readonly<Required<Pick<ThreadOptions, 'maxJobsPerThread' | 'maxHeapMb'>>> =
  Object.freeze({ maxJobsPerThread: 100, maxHeapMb: 768 });

/** Analysis defaults: 2 jobs at once (one per thread; the analysis is CPU-bound). */
export const DEFAULT_ANALYZER_CONCURRENCY = 2;

/**
 * The analysis stage: its threads build their collaborators from `settings`; `options` override
 * the defaults above (threads merged field by field).
 */
export function createAnalyzerStage(settings: AnalyzerThreadSettings, options: StageOptions = {}) {
  return defineStage({
    stage: 'analysis',
    handlerModule: new URL('./handler.ts', import.meta.url),
    handlerData: settings,
    options: {
      concurrency: DEFAULT_ANALYZER_CONCURRENCY,
      ...options,
      threads: { ...DEFAULT_ANALYZER_THREADS, ...options.threads },
    },
  });
}
