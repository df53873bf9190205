/**
 * Whether a batch's follow-up job is due (pure): the seed's chord, in sedano's terms.
 *
 * A follow-up fires when every declared child has ended, whatever the outcome: SUCCESS, FAILURE
 * and REVOKED all count. (Celery's chord skips its callback when a child fails; here the
 * follow-up always runs and reads the batch's summary to learn how it went, so a batch never
 * hangs without its follow-up because one file was bad.)
 */
import type { BatchDeclaration } from '../../schemas/batch-declaration.ts';
import type { FollowUpJob } from '../../schemas/follow-up-job.ts';
import type { BatchCounts } from '../lib/status-view.ts';
import { TERMINAL_STATES } from '../lib/status-view.ts';

export interface FollowUpFacts {
  /** The batch's declaration; undefined while the view has none. */
  declaration: Pick<BatchDeclaration, 'size' | 'followUp'> | undefined;
  /** The batch's jobs per state as the view counted them; undefined while it has seen none. */
  counts: BatchCounts | undefined;
  /** The follow-up is known to be submitted (its job is in the view). */
  alreadySubmitted: boolean;
}

export type FollowUpDecision =
  | { fire: true; followUp: FollowUpJob }
  | { fire: false; reason: 'undeclared' | 'no-follow-up' | 'already-submitted' | 'children-unfinished' };

/**
 * Due when at least `size` children have ended and none is still active. Counting more ended
 * jobs than declared (a job submitted apart with the same batch id) still fires, but only once
 * none of them runs any more.
 */
export function decideFollowUp({ declaration, counts, alreadySubmitted }: FollowUpFacts): FollowUpDecision {
  if (declaration === undefined) return { fire: false, reason: 'undeclared' };
  if (declaration.followUp === null) return { fire: false, reason: 'no-follow-up' };
  if (alreadySubmitted) return { fire: false, reason: 'already-submitted' };
  let finished = 0;
  let active = 0;
  for (const [state, count] of Object.entries(counts ?? {}) as [keyof BatchCounts, number][]) {
    if (TERMINAL_STATES.has(state)) finished += count;
    else active += count;
  }
  if (finished < declaration.size || active > 0) return { fire: false, reason: 'children-unfinished' };
  return { fire: true, followUp: declaration.followUp };
}
