/**
 * A job's view in the status view and the precedence rules that make it (pure): the JSON
 * stored per job, `applyStatusEvent` (which event wins) and its inverse `eventOfView`.
 * services/lib/status-view.ts stores the outcome in Redis and re-exports everything here.
 */
import type { JobError } from '../../schemas/job-error.ts';
import type { JobState } from '../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { JobType } from '../../schemas/job-type.ts';
import type { Stage } from '../../schemas/stage.ts';

/** An avsc-wrapped union (`{ "sedano.X": {…} }`) as a plain object whose `kind` names the branch. */
export type Unwrapped<W> = W extends unknown ? { [K in keyof W]: W[K] & { kind: K } }[keyof W] : never;

/** Stage-specific progress, unwrapped; `kind` is the branch's full name, e.g. `sedano.IndexingProgress`. */
export type ProgressDetailsView = Unwrapped<NonNullable<NonNullable<JobStatusEvent['progress']>['details']>>;
/** A job's result, unwrapped; `kind` is the branch's full name, e.g. `sedano.NoopResult`. */
export type JobResultView = Unwrapped<NonNullable<JobStatusEvent['result']>>;

export interface ProgressView {
  current: number;
  total: number;
  /** Completion in [0, 100]. */
  percent: number;
  message: string | null;
  details: ProgressDetailsView | null;
}

/** What the view knows about one job: its last applied status event, as plain JSON. */
export interface JobView {
  jobId: string;
  jobType: JobType;
  stage: Stage;
  state: JobState;
  sequence: number;
  attempt: number;
  progress: ProgressView | null;
  result: JobResultView | null;
  error: JobError | null;
  /** Times in milliseconds since the epoch (UTC). */
  submittedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  nextAttemptAt: number | null;
  occurredAt: number;
  /** `occurredAt` of the last applied event: the score of the job in every index. */
  updatedAt: number;
  batchId: string | null;
  /** The job it was made from (a replay's original job), if any. */
  parentJobId: string | null;
  workerId: string | null;
  traceId: string | null;
  /** When the job expires (no attempt starts after it), ms since the epoch; null: never. */
  expiresAt: number | null;
  /** The job's payload for people to read (payload-preview.ts); null: no emitter said. */
  payloadPreview: string | null;
}

/**
 * `view` with its result left out (pure): what the view stores under a job's key and keeps in
 * memory, the result being stored apart (status-view.ts), so that listings and the projector's
 * memory do not carry results of up to a megabyte each.
 */
export function withoutResult(view: JobView): JobView {
  return view.result === null ? view : { ...view, result: null };
}

/** Why an event left the view unchanged. */
export type IgnoredReason = 'stale' | 'duplicate' | 'terminal';

export type ApplyOutcome =
  { view: JobView; applied: true } | { view: JobView | undefined; applied: false; reason: IgnoredReason };

/** States after which nothing changes a job. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['SUCCESS', 'FAILURE', 'REVOKED']);

function unwrap<W extends object>(wrapped: W | null): Unwrapped<W> | null {
  const entry = wrapped === null ? undefined : Object.entries(wrapped)[0];
  // `kind` last, so a branch's own field can never hide which branch it is.
  return entry === undefined ? null : ({ ...(entry[1] as object), kind: entry[0] } as Unwrapped<W>);
}

function viewOf(event: JobStatusEvent, current: JobView | undefined): JobView {
  const { progress } = event;
  return {
    jobId: event.jobId,
    jobType: event.jobType,
    stage: event.stage,
    state: event.state,
    sequence: event.sequence,
    attempt: event.attempt,
    progress: progress && { ...progress, details: unwrap(progress.details) },
    result: unwrap(event.result),
    error: event.error && { ...event.error },
    // Emitters that do not know when the job was accepted or its attempt started leave these
    // (and the batch and trace, which never change for a job) out: the first value seen stays.
    submittedAt: event.submittedAt ?? current?.submittedAt ?? null,
    // A later attempt's event names that attempt's start, null for one refused before it ran
    // (an expired retry): the earlier attempt's start would make its backoff look like run time.
    startedAt:
      event.attempt > (current?.attempt ?? 0) ? event.startedAt : (event.startedAt ?? current?.startedAt ?? null),
    finishedAt: event.finishedAt,
    nextAttemptAt: event.nextAttemptAt,
    occurredAt: event.occurredAt,
    updatedAt: event.occurredAt,
    batchId: event.batchId ?? current?.batchId ?? null,
    // Absent from views stored before parents were shown, and from emitters that do not know it.
    parentJobId: event.parentJobId ?? current?.parentJobId ?? null,
    workerId: event.workerId,
    traceId: event.traceId ?? current?.traceId ?? null,
    // Absent from views stored before expiries: never expires.
    expiresAt: event.expiresAt ?? current?.expiresAt ?? null,
    // Absent from views stored before previews, and from events of emitters that do not know it.
    payloadPreview: event.payloadPreview ?? current?.payloadPreview ?? null,
  };
}

function wrap<K extends string>(unwrapped: ({ kind: K } & object) | null): Record<K, object> | null {
  if (unwrapped === null) return null;
  const { kind, ...fields } = unwrapped;
  return { [kind]: fields } as Record<K, object>;
}

/**
 * The status event that leads to `view` (pure): the inverse of applying it, used to state a
 * job's terminal event again (services/status-projector/restate.ts).
 */
export function eventOfView(view: JobView): JobStatusEvent {
  const { progress } = view;
  return {
    jobId: view.jobId,
    jobType: view.jobType,
    stage: view.stage,
    state: view.state,
    sequence: view.sequence,
    attempt: view.attempt,
    progress: progress && { ...progress, details: wrap(progress.details) as JobProgressDetails },
    result: wrap(view.result) as JobStatusEvent['result'],
    error: view.error && { ...view.error },
    occurredAt: view.occurredAt,
    submittedAt: view.submittedAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    nextAttemptAt: view.nextAttemptAt,
    batchId: view.batchId,
    parentJobId: view.parentJobId ?? null,
    workerId: view.workerId,
    traceId: view.traceId,
    expiresAt: view.expiresAt ?? null,
    payloadPreview: view.payloadPreview ?? null,
  };
}

type JobProgressDetails = NonNullable<JobStatusEvent['progress']>['details'];

/**
 * How two events of one job order (pure): a later attempt's comes after an earlier attempt's,
 * then the higher sequence comes after. A sequence is microseconds of the clock of the worker
 * that produced it (runtime/sequence-clock.ts), and an attempt may run on another machine than
 * the one before it: ordering by sequence alone put a retry run on a clock behind the first
 * worker's before that worker's RETRY, and the view never left RETRY.
 */
export function compareStatusEvents(
  a: Pick<JobStatusEvent, 'attempt' | 'sequence'>,
  b: Pick<JobStatusEvent, 'attempt' | 'sequence'>,
): number {
  return a.attempt - b.attempt || a.sequence - b.sequence;
}

/**
 * The view after `event`, given the job's current view (pure). An event that orders before the
 * stored one (`compareStatusEvents`) is stale, an equal one a duplicate, and a terminal job never
 * changes; so redelivered and reordered events are harmless. A terminal event ends an active
 * job even when it orders before its view: the worker that ran a job again after the first one
 * crashed may have a clock behind the first's, and a job's terminal event is the one thing that
 * must never be lost behind a STARTED or PROGRESS. Neither argument is modified.
 */
export function applyStatusEvent(current: JobView | undefined, event: JobStatusEvent): ApplyOutcome {
  if (current === undefined) return { view: viewOf(event, undefined), applied: true };
  if (current.jobId !== event.jobId) throw new RangeError(`event of job ${event.jobId} applied to ${current.jobId}`);
  if (statusEventWins(current, event)) return { view: viewOf(event, current), applied: true };
  const order = compareStatusEvents(event, current);
  return { view: current, applied: false, reason: order === 0 ? 'duplicate' : order < 0 ? 'stale' : 'terminal' };
}

type Precedence = Pick<JobStatusEvent, 'state' | 'attempt' | 'sequence'>;

/** Whether `event` takes the place of `current` (a job's view, or the event it came from), as `applyStatusEvent` rules (pure). */
export function statusEventWins(current: Precedence, event: Precedence): boolean {
  const order = compareStatusEvents(event, current);
  if (order === 0 || TERMINAL_STATES.has(current.state)) return false;
  return order > 0 || TERMINAL_STATES.has(event.state);
}
