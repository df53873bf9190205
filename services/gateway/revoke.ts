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

export async function revokeJob(
  context: Pick<GatewayContext, 'producer' | 'codec' | 'topics' | 'revocations' | 'now'>,
  view: JobView,
  reason: string,
  requester: string,
): Promise<void> {
  const { producer, codec, topics, revocations } = context;
  const now = context.now();
  await revocations.revoke(view.jobId, reason);
  const command = revokeCommand(view.jobId, reason, requester, now);
  await producer.send(topics.control, [await codec.toMessage(topics.contracts.control, command.commandId, command)]);
  // Not running (queued, or waiting for its retry): the job ends now, not when a worker meets it.
  if (view.state === 'PENDING' || view.state === 'RETRY') {
    const event = revokedEvent(view, reason, now);
    await producer.send(topics.status, [await codec.toMessage(topics.contracts.status, view.jobId, event)]);
  }
}
