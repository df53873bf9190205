/**
 * The noop stage's handler: sleeps (without using the CPU), spins (using it), and fails with
 * a given probability. Its `handler` export is what the stage's worker threads load.
 */
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { SedanoError } from '../lib/errors.ts';
import { assertRequestRules } from '../lib/request-rules.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';

/** Keeps one CPU busy for `ms` milliseconds, or until the signal aborts. */
async function spin(ms: number, signal: AbortSignal): Promise<number> {
  // No spin asked is none done: measured, it was 1 ms when a millisecond ticked between the two
  // clock reads (a CI run's stage-runtime test saw spunMs 1 for cpuSpinMs 0).
  if (ms <= 0) return 0;
  const started = performance.now();
  while (performance.now() - started < ms && !signal.aborted) {
    const slice = performance.now();
    while (performance.now() - slice < 20) {
      // Busy on purpose: this is the CPU-bound workload.
    }
    // Between slices the abort message of a revoke or a soft time limit can arrive.
    await yieldToEventLoop();
  }
  return Math.round(performance.now() - started);
}

/** The handler, with the random source that decides failures (tests pass a fixed one). */
export function noopHandler(random: () => number): StageHandler<'noop'> {
  return async ({ job, signal, progress }) => {
    // A record produced straight to Kafka skipped the gateway's check: the same rules, the same code.
    assertRequestRules('noop', job);
    const total = job.sleepMs + job.cpuSpinMs;
    // A job with nothing to wait for has no progress to show (and takes no timer turn): it
    // goes from STARTED to its outcome, as a no-op job does on the peers of the benchmark.
    const report = total > 0 ? progress : () => {};
    report(0, total, 'sleeping');
    if (job.sleepMs > 0) await sleep(job.sleepMs, undefined, { signal });
    report(job.sleepMs, total, 'spinning');
    const spunMs = await spin(job.cpuSpinMs, signal);
    signal.throwIfAborted();
    if (random() < job.failureRate) {
      const message = `noop failed on purpose (failureRate ${job.failureRate})`;
      throw new SedanoError('SEDANO_ERR_JOB_FAILED', message, { retriable: true });
    }
    report(total, total, 'done');
    return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs, payload: job.payload } };
  };
}

export const handler = noopHandler(Math.random);
