/**
 * A noop handler module for worker-thread tests: computes for `cpuSpinMs` without ever
 * yielding or checking its signal, the worst case for a consumer's heartbeats.
 */
import type { StageHandler } from '../../../../../services/lib/runtime/stage.ts';

export const handler: StageHandler<'noop'> = async ({ job, progress }) => {
  progress(0, job.cpuSpinMs, 'computing');
  const started = performance.now();
  while (performance.now() - started < job.cpuSpinMs) {
    // Busy on purpose.
  }
  return { 'sedano.NoopResult': { sleptMs: 0, spunMs: Math.round(performance.now() - started), payload: job.payload } };
};
