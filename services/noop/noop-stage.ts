/**
 * The built-in `noop` stage (handler in noop-handler.ts). It exercises the runtime in tests
 * and is the benchmark workload.
 */
import { defineStage, type StageOptions } from '../lib/runtime/stage.ts';
import { noopHandler } from './noop-handler.ts';

/** The stage with its handler on the event loop, failing when `random()` is below the job's failure rate. */
export function createNoopStage(random: () => number = Math.random) {
  return defineStage({ stage: 'noop', handler: noopHandler(random) });
}

/** The stage with its handler in worker threads, as the noop worker runs it (CPU spins keep off the event loop). */
export function createThreadedNoopStage(options: StageOptions = {}) {
  return defineStage({ stage: 'noop', handlerModule: new URL('./noop-handler.ts', import.meta.url), options });
}
