/**
 * The built-in `noop` stage: sleeps (without using the CPU), spins (using it), and fails
 * with a given probability. It exercises the runtime in tests and is the benchmark workload.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineStage } from '../lib/runtime/stage.ts';

/** Keeps one CPU busy for `ms` milliseconds, or until the signal aborts. */
function spin(ms: number, signal: AbortSignal): number {
  const started = Date.now();
  while (Date.now() - started < ms && !signal.aborted) {
    // Busy on purpose: this is the CPU-bound workload.
  }
  return Date.now() - started;
}

export function createNoopStage(random: () => number = Math.random) {
  return defineStage({
    stage: 'noop',
    handler: async ({ job, signal, progress }) => {
      const total = job.sleepMs + job.cpuSpinMs;
      progress(0, total, 'sleeping');
      await sleep(job.sleepMs, undefined, { signal });
      progress(job.sleepMs, total, 'spinning');
      const spunMs = spin(job.cpuSpinMs, signal);
      signal.throwIfAborted();
      if (random() < job.failureRate) throw new Error(`noop failed on purpose (failureRate ${job.failureRate})`);
      progress(total, total, 'done');
      return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs, payload: job.payload } };
    },
  });
}
