/**
 * The `training` stage: its handler (handler.ts) runs in the stage's worker threads, so a
 * training run of an hour never holds the event loop that heartbeats to Kafka, and a revoke
 * or time limit reaches the run through its signal (checked after every batch).
 */
import { defineStage, type StageOptions, type ThreadOptions } from '../lib/runtime/stage.ts';
import type { TrainerThreadSettings } from './settings.ts';

/**
 * Thread defaults: a thread is replaced after 20 jobs, or after a job that leaves its heap
 * above 1 GiB (TensorFlow.js's wasm memory only grows); a thread that does not stop within
 * 5 s of its abort is terminated.
 */
export const DEFAULT_TRAINER_THREADS: Readonly<
  Required<Pick<ThreadOptions, 'maxJobsPerThread' | 'maxHeapMb' | 'abortGraceMs'>>
> = Object.freeze({ maxJobsPerThread: 20, maxHeapMb: 1024, abortGraceMs: 5_000 });

/** Training defaults: 1 run at a time per process (a run uses a whole core). */
export const DEFAULT_TRAINER_CONCURRENCY = 1;

/** Every epoch is a PROGRESS event (the dashboard charts them): no merging of close reports. */
export const DEFAULT_TRAINER_PROGRESS_INTERVAL_MS = 0;

/**
 * The training stage: its threads build their collaborators from `settings`; `options`
 * override the defaults above (threads merged field by field).
 */
export function createTrainerStage(settings: TrainerThreadSettings, options: StageOptions = {}) {
  return defineStage({
    stage: 'training',
    handlerModule: new URL('./handler.ts', import.meta.url),
    handlerData: settings,
    options: {
      concurrency: DEFAULT_TRAINER_CONCURRENCY,
      progressIntervalMs: DEFAULT_TRAINER_PROGRESS_INTERVAL_MS,
      ...options,
      threads: { ...DEFAULT_TRAINER_THREADS, ...options.threads },
    },
  });
}
