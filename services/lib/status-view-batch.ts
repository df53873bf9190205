/**
 * Applying many status events to the view at once (pure): the events are folded in order over
 * the jobs' current views with `applyStatusEvent`, so duplicates and reorderings inside one
 * batch follow the same precedence as one event at a time; what is written is each job's final
 * view, with its batch counts moved from the job's first state to its last (the states in
 * between cancel out). The write is one Redis script (status-view-script.ts), checked against
 * the sequences the plan assumed.
 */
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { StatusViewKeys } from '../../topology/redis-keys.ts';
import { followUpJobIdOf } from './job-ids.ts';
import { type ApplyOutcome, applyStatusEvent, type JobView, TERMINAL_STATES, withoutResult } from './job-view.ts';

/** One event's outcome; `created` is true when its job was not in the view before it. */
export type BatchOutcome = ApplyOutcome & { created: boolean };

/** A job changed by a batch: its view before the batch and after it. */
export interface JobChange {
  before: JobView | undefined;
  after: JobView;
}

export interface StatusBatchPlan {
  /** One per event, in the events' order. */
  outcomes: BatchOutcome[];
  /** Jobs with at least one applied event, in order of their first event. */
  changes: JobChange[];
  /** Every job of the batch with the sequence the plan assumed it has (-1: not in the view). */
  assumed: Map<string, number>;
}

/** Folds `events` in order over `currents` (the jobs' views before the batch; missing: not in the view). */
export function planStatusBatch(
  currents: ReadonlyMap<string, JobView | undefined>,
  events: readonly JobStatusEvent[],
): StatusBatchPlan {
  const latest = new Map<string, JobView | undefined>();
  const outcomes: BatchOutcome[] = [];
  const assumed = new Map<string, number>();
  const changed = new Map<string, JobChange>();
  for (const event of events) {
    const { jobId } = event;
    if (!latest.has(jobId)) {
      const before = currents.get(jobId);
      latest.set(jobId, before);
      assumed.set(jobId, before?.sequence ?? -1);
    }
    const current = latest.get(jobId);
    const outcome = applyStatusEvent(current, event);
    outcomes.push({ ...outcome, created: outcome.applied && current === undefined });
    if (!outcome.applied) continue;
    latest.set(jobId, outcome.view);
    const change = changed.get(jobId);
    if (change) change.after = outcome.view;
    else changed.set(jobId, { before: current, after: outcome.view });
  }
  return { outcomes, changes: [...changed.values()], assumed };
}

/** A batch's side of one job's write: count deltas, index membership, and its keys. */
interface BatchWrite {
  hash: string;
  jobs: string;
  declaration: string;
  /** Its follow-up's batch index (keys.followUpBatch): lives as long as the batch, as the declaration does. */
  followUpIndex: string;
  /** State -> count delta, zero deltas left out. */
  deltas: Record<string, number>;
  /** Whether the job belongs to the batch after the change (otherwise it leaves its index). */
  member: boolean;
  /** When the job's new view expires if the batch ends now, in ms since the epoch (as text). */
  expireAt: string;
}

/** One job's write, as the script reads it (numbers as text: Lua would print them as floats); its view's JSON travels apart. */
interface JobWrite {
  id: string;
  key: string;
  /** Where its result goes (keys.result): set with the view, or deleted when the view has none. */
  resultKey: string;
  /** Expiry of a terminal view (ms since the epoch, as text); absent for an active one. */
  pxat?: string;
  score: string;
  stateFrom?: string;
  stateTo: string;
  stageFrom?: string;
  stageTo: string;
  batches: BatchWrite[];
}

/**
 * What the script gets: the checks (key, assumed sequence, job id), the writes, and the index of
 * every job, as one JSON argument; and each write's view JSON and result JSON, in the writes'
 * order, as arguments of their own. (Inside the JSON argument a view, most of a write's bytes,
 * would be escaped again by JSON.stringify and parsed again by Redis's cjson.)
 */
export interface ScriptPayload {
  checks: [string, number, string][];
  writes: JobWrite[];
  all: string;
  /** States in which a job is still active (a batch with any such job never expires). */
  active: string[];
  /** The view JSON of `writes[i]`, at i, with its result left out (`result: null`). */
  views: string[];
  /** The result JSON of `writes[i]`, at i; '' when it has none. */
  results: string[];
}

function batchWrite(keys: StatusViewKeys, batchId: string, { before, after }: JobChange, expireAt: number): BatchWrite {
  const deltas: Record<string, number> = {};
  if (before?.batchId === batchId) deltas[before.state] = -1;
  if (after.batchId === batchId) deltas[after.state] = (deltas[after.state] ?? 0) + 1;
  for (const [state, n] of Object.entries(deltas)) if (n === 0) delete deltas[state];
  return {
    hash: keys.batch(batchId),
    jobs: keys.batchJobs(batchId),
    declaration: keys.batchDeclaration(batchId),
    followUpIndex: keys.followUpBatch(followUpJobIdOf(batchId)),
    deltas,
    member: after.batchId === batchId,
    expireAt: String(expireAt),
  };
}

/** The batches a change touches: the job's batch before it and after it (most jobs have none). */
function batchIdsOf({ before, after }: JobChange): string[] {
  const batchIds: string[] = [];
  if (before?.batchId != null) batchIds.push(before.batchId);
  if (after.batchId != null && after.batchId !== before?.batchId) batchIds.push(after.batchId);
  return batchIds;
}

/** The script's input for `plan`; `expiresAt` gives when a terminal view expires. */
export function scriptPayload(
  keys: StatusViewKeys,
  plan: StatusBatchPlan,
  expiresAt: (view: JobView) => number,
  activeStates: readonly string[],
): ScriptPayload {
  const views: string[] = [];
  const results: string[] = [];
  const writes = plan.changes.map((change): JobWrite => {
    const { before, after } = change;
    const expireAt = expiresAt(after);
    views.push(JSON.stringify(withoutResult(after)));
    results.push(after.result === null ? '' : JSON.stringify(after.result));
    return {
      id: after.jobId,
      key: keys.job(after.jobId),
      resultKey: keys.result(after.jobId),
      ...(TERMINAL_STATES.has(after.state) ? { pxat: String(expireAt) } : {}),
      score: String(after.updatedAt),
      ...(before ? { stateFrom: keys.state(before.state), stageFrom: keys.stage(before.stage) } : {}),
      stateTo: keys.state(after.state),
      stageTo: keys.stage(after.stage),
      batches: batchIdsOf(change).map((batchId) => batchWrite(keys, batchId, change, expireAt)),
    };
  });
  return {
    checks: [...plan.assumed].map(([jobId, sequence]) => [keys.job(jobId), sequence, jobId]),
    writes,
    all: keys.all,
    active: [...activeStates],
    views,
    results,
  };
}
