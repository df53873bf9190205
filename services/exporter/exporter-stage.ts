/**
 * The `export` stage: its handler (handler.ts) runs in the stage's worker threads, so laying
 * out and drawing a 300-page report never holds the event loop that heartbeats to Kafka.
 */
import { defineStage, type StageOptions, type ThreadOptions } from '../lib/runtime/stage.ts';
import type { ExporterThreadSettings } from './settings.ts';

/** Thread defaults: a thread is replaced after 100 reports, or after one that leaves its heap above 768 MiB. */
export const DEFAULT_EXPORTER_THREADS: Readonly<Required<Pick<ThreadOptions, 'maxJobsPerThread' | 'maxHeapMb'>>> =
  Object.freeze({ maxJobsPerThread: 100, maxHeapMb: 768 });

/** Export defaults: 2 reports at once (rendering is CPU-bound, one per thread). */
export const DEFAULT_EXPORTER_CONCURRENCY = 2;

/**
 * The export stage: its threads build their collaborators from `settings`; `options` override
 * the defaults above (threads merged field by field).
 */
export function createExporterStage(settings: ExporterThreadSettings, options: StageOptions = {}) {
  return defineStage({
    stage: 'export',
    handlerModule: new URL('./handler.ts', import.meta.url),
    handlerData: settings,
    options: {
      concurrency: DEFAULT_EXPORTER_CONCURRENCY,
      ...options,
      threads: { ...DEFAULT_EXPORTER_THREADS, ...options.threads },
    },
  });
}
