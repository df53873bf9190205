/**
 * The jobs a worker has taken on: each with the controller that aborts it (a revoke names
 * one job, shutdown aborts them all) and what the worker's presence record shows of it. A job
 * is registered before its reads (so a revoke that lands during them or while it waits for a
 * slot stops it), and shows in the presence record once its handler begins. The attempts that
 * ended are counted by outcome for the record too.
 */
import { shownStrings } from '../shown-text.ts';
import type { AttemptOutcome } from '../worker-metrics.ts';
import type { ProcessedCounts, RunningJobView } from '../worker-presence.ts';

const COUNTED_AS: Record<AttemptOutcome, keyof ProcessedCounts> = {
  SUCCESS: 'succeeded',
  FAILURE: 'failed',
  RETRY: 'retried',
  REVOKED: 'revoked',
};

/** One running attempt, as `RunningJobs.start` hands it out. */
export interface RunningJob {
  readonly controller: AbortController;
  readonly view: RunningJobView;
}

export class RunningJobs {
  readonly #jobs = new Map<AbortController, RunningJobView>();
  /** The jobs whose handler began (the others wait for their reads or a slot). */
  readonly #begun = new Set<AbortController>();
  /** Aborted by `abortAll`: a job revoked earlier has its own signal aborted already. */
  readonly #all = new AbortController();
  readonly #processed: ProcessedCounts = { succeeded: 0, failed: 0, retried: 0, revoked: 0 };

  /** Aborts once every attempt is aborted (the worker's shutdown), also for jobs whose own signal already fired. */
  get allAborted(): AbortSignal {
    return this.#all.signal;
  }

  /** Jobs taken on and not ended (begun or not). */
  get size(): number {
    return this.#jobs.size;
  }

  /** Records an attempt taken on now; call `begin` when its handler starts, `end` when it is over. */
  start(jobId: string, attempt: number, takenAt: number): RunningJob {
    const controller = new AbortController();
    const view: RunningJobView = { jobId, attempt, startedAt: takenAt, progress: null };
    this.#jobs.set(controller, view);
    return { controller, view };
  }

  /** Marks the attempt's handler as started at `startedAt`: from now on the presence record shows it. */
  begin(job: RunningJob, startedAt: number): void {
    job.view.startedAt = startedAt;
    this.#begun.add(job.controller);
  }

  /** The attempt is over: counted by `outcome`, or not at all without one (left unfinished, or a repeat skipped). */
  end(job: RunningJob, outcome?: AttemptOutcome): void {
    this.#jobs.delete(job.controller);
    this.#begun.delete(job.controller);
    if (outcome !== undefined) this.#processed[COUNTED_AS[outcome]] += 1;
  }

  /** Attempts ended since the worker started, by outcome (a copy). */
  processed(): ProcessedCounts {
    return { ...this.#processed };
  }

  /** Aborts every running attempt of a job with `reason`; returns how many there were. */
  abortJob(jobId: string, reason: () => Error): number {
    let aborted = 0;
    for (const [controller, view] of this.#jobs) {
      if (view.jobId !== jobId) continue;
      controller.abort(reason());
      aborted += 1;
    }
    return aborted;
  }

  /** Aborts every running attempt with `reason`. */
  abortAll(reason: () => Error): void {
    this.#all.abort(reason());
    for (const controller of this.#jobs.keys()) controller.abort(reason());
  }

  /**
   * What the presence record shows, the begun jobs: a copy, so the record is not changed behind
   * its back, with the progress message shown as the job's PROGRESS event is (job-reporter.ts).
   */
  views(): RunningJobView[] {
    return [...this.#begun].map((controller) => shownStrings({ ...this.#jobs.get(controller)! }));
  }
}
