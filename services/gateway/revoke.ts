/**
 * Revoking a job: a REVOKE control command for the workers (they abort it if it runs, and
 * refuse it when it arrives; the revocation is also remembered in Redis at once, for workers
 * that have not read the command yet), and, for a job not running (PENDING, or RETRY: waiting for
 * its next attempt), a REVOKED status event from the gateway itself, so the job ends at once,
 * even while no worker of its stage runs.
 *
 * A worker that starts the job at the same moment is harmless: its events arrive before the
 * gateway's REVOKED, which ends the job whatever their sequences (a terminal event ends an active
 * job, job-view.ts), or after it and are ignored as the job is final; the command aborts its attempt.
 */
import type { ControlCommand } from '../../schemas/control-command.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import { newJobId } from '../lib/job-ids.ts';
import { shownText } from '../lib/shown-text.ts';
import type { BatchView } from '../lib/batch-view.ts';
import { TERMINAL_STATES } from '../lib/job-view.ts';
import type { JobView } from '../lib/status-view.ts';
import type { GatewayContext } from './context.ts';

/**
 * The REVOKED event the gateway writes for a job not running (pure). A job waiting for its retry
 * is refused its next attempt, as a worker would refuse it: that attempt's REVOKED, never started.
 */
export function revokedEvent(view: JobView, reason: string, now: number): JobStatusEvent {
  const waitingForRetry = view.state === 'RETRY';
  return {
    jobId: view.jobId,
    jobType: view.jobType,
    stage: view.stage,
    state: 'REVOKED',
    // Microseconds of time, as the workers' sequences (services/lib/runtime/sequence-clock.ts).
    sequence: now * 1000,
    attempt: waitingForRetry ? view.attempt + 1 : view.attempt,
    progress: null,
    result: null,
    error: { code: 'SEDANO_ERR_JOB_REVOKED', type: 'RevokedError', message: reason, retriable: false },
    occurredAt: now,
    submittedAt: view.submittedAt,
    startedAt: waitingForRetry ? null : view.startedAt,
    finishedAt: now,
    nextAttemptAt: null,
    batchId: view.batchId,
    parentJobId: view.parentJobId ?? null,
    workerId: null,
    traceId: view.traceId,
    expiresAt: view.expiresAt ?? null,
    payloadPreview: view.payloadPreview ?? null,
  };
}

/**
 * What a revoked job's error says (pure): who revoked it and, when they said, why. The reason is
 * shown to every `read` token and logged by the workers, so it is shown as any text is
 * (redacted, cut: shown-text.ts).
 */
export function revokeReason(requester: string, given: string | undefined): string {
  const who = `revoked by ${requester}`;
  return shownText(given === undefined || given.trim() === '' ? who : `${who}: ${given}`);
}

/** The control command that revokes a job (pure). */
export function revokeCommand(jobId: string, reason: string, requester: string, now: number): ControlCommand {
  return { commandId: newJobId(), command: 'REVOKE', jobId, stage: null, reason, requester, issuedAt: now };
}

type RevokeContext = Pick<GatewayContext, 'producer' | 'codec' | 'topics' | 'revocations' | 'now'>;

/**
 * Revokes a job by id, whatever the view knows of it: remembered in Redis and commanded to the
 * workers. Enough on its own for a job not yet submitted (a batch's follow-up): the worker that
 * meets it refuses it, and it ends REVOKED then.
 */
async function revokeAhead(context: RevokeContext, jobId: string, reason: string, requester: string): Promise<void> {
  const { producer, codec, topics, revocations } = context;
  await revocations.revoke(jobId, reason);
  const command = revokeCommand(jobId, reason, requester, context.now());
  await producer.send(topics.control, [await codec.toMessage(topics.contracts.control, command.commandId, command)]);
}

export async function revokeJob(
  context: RevokeContext,
  view: JobView,
  reason: string,
  requester: string,
): Promise<void> {
  const { producer, codec, topics } = context;
  await revokeAhead(context, view.jobId, reason, requester);
  // Not running (queued, or waiting for its retry): the job ends now, not when a worker meets it.
  if (view.state === 'PENDING' || view.state === 'RETRY') {
    const event = revokedEvent(view, reason, context.now());
    await producer.send(topics.status, [await codec.toMessage(topics.contracts.status, view.jobId, event)]);
  }
}

/** Jobs revoked at once: a batch's revocations share produce requests without flooding them. */
const BATCH_REVOKE_CONCURRENCY = 50;

export interface BatchRevocation {
  /** Jobs of the batch revoked now (the follow-up included). */
  revoked: number;
  /** Jobs of the batch that had already ended (revoked earlier included). */
  alreadyEnded: number;
  /**
   * Declared jobs the view has not seen yet (their PENDING not projected yet, within
   * milliseconds of the submission): not revoked; a repeat of the revocation reaches them.
   */
  notYetInView: number;
}

/**
 * Revokes every job of a batch that has not ended, and its follow-up: revoked ahead when it is
 * not submitted yet (the batch's end submits it, and its worker refuses it), so a cancelled
 * batch never runs what was to follow it. `jobs` are the batch's jobs in the view.
 */
export async function revokeBatch(
  context: RevokeContext,
  batch: Pick<BatchView, 'size' | 'followUpJobId' | 'counts'>,
  jobs: readonly JobView[],
  followUp: JobView | undefined,
  reason: string,
  requester: string,
): Promise<BatchRevocation> {
  const open = jobs.filter((job) => !TERMINAL_STATES.has(job.state));
  for (let i = 0; i < open.length; i += BATCH_REVOKE_CONCURRENCY) {
    await Promise.all(
      open.slice(i, i + BATCH_REVOKE_CONCURRENCY).map((job) => revokeJob(context, job, reason, requester)),
    );
  }
  let revoked = open.length;
  let alreadyEnded = jobs.length - open.length;
  if (batch.followUpJobId !== null) {
    if (followUp === undefined) {
      await revokeAhead(context, batch.followUpJobId, reason, requester);
      revoked += 1;
    } else if (TERMINAL_STATES.has(followUp.state)) {
      alreadyEnded += 1;
    } else {
      await revokeJob(context, followUp, reason, requester);
      revoked += 1;
    }
  }
  // From the batch's own tally of the jobs it has seen: a finished job's view may have expired
  // before its batch's, and is no job to wait for.
  const seen = Object.values(batch.counts).reduce((sum, count) => sum + count, 0);
  return { revoked, alreadyEnded, notYetInView: Math.max(0, (batch.size ?? 0) - seen) };
}
