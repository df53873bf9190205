/**
 * The jobs a worker runs right now: each with the controller that aborts it (a revoke names
 * one job, shutdown aborts them all) and what the worker's presence record shows of it.
 */
import type { RunningJobView } from '../worker-presence.ts';

/** One running attempt, as `RunningJobs.start` hands it out. */
export interface RunningJob {
  readonly controller: AbortController;
  readonly view: RunningJobView;
}

export class RunningJobs {
  readonly #jobs = new Map<AbortController, RunningJobView>();

  /** Jobs running now. */
  get size(): number {
    return this.#jobs.size;
  }

  /** Records an attempt that starts now; call `end` with it when it is over. */
  start(jobId: string, attempt: number, startedAt: number): RunningJob {
    const controller = new AbortController();
    const view: RunningJobView = { jobId, attempt, startedAt, progress: null };
    this.#jobs.set(controller, view);
    return { controller, view };
  }

  end(job: RunningJob): void {
    this.#jobs.delete(job.controller);
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
    for (const controller of this.#jobs.keys()) controller.abort(reason());
  }

  /** What the presence record shows: a copy, so the record is not changed behind its back. */
  views(): RunningJobView[] {
    return [...this.#jobs.values()].map((view) => ({ ...view }));
  }
}
