/**
 * The overall state of a batch from its jobs' counts per state (pure): what a Celery group's
 * result or a chord's header reports, in sedano's terms.
 */
import type { JobState } from '../../schemas/job-state.ts';

/** Jobs of a batch per state. */
export type BatchCounts = Record<JobState, number>;

export type BatchState =
  /** No job of the batch has started yet. */
  | 'PENDING'
  /** Some jobs run, wait for a retry, or have not started while others have. */
  | 'RUNNING'
  /** Every job succeeded. */
  | 'SUCCESS'
  /** Every job ended, and at least one failed or was revoked. */
  | 'FAILURE';

export interface BatchSummary {
  state: BatchState;
  total: number;
  /** Jobs in a terminal state (SUCCESS, FAILURE, REVOKED). */
  finished: number;
  /** finished / total, 0 to 100. */
  percent: number;
  counts: BatchCounts;
}

export function summarizeBatch(counts: BatchCounts): BatchSummary {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const finished = counts.SUCCESS + counts.FAILURE + counts.REVOKED;
  let state: BatchState;
  if (total > 0 && finished === total) state = counts.SUCCESS === total ? 'SUCCESS' : 'FAILURE';
  else if (counts.PENDING === total) state = 'PENDING';
  else state = 'RUNNING';
  const percent = total === 0 ? 0 : Math.round((finished / total) * 10_000) / 100;
  return { state, total, finished, percent, counts };
}
