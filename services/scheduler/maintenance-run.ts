/**
 * The records a scheduler writes for one run (pure): the MaintenanceRequest for the
 * maintenance topic and its PENDING status event, so the run shows in the status view from
 * the moment it is emitted.
 *
 * A slot's run expires when the schedule's next slot comes, under the `skip` and `latest`
 * policies: those policies never catch up on missed slots, and a maintenance worker that was
 * down for a day must not run a day of cache cleanups one after another when it returns
 * (Celery users set `expires` on their beat entries for this). Under `all`, every slot is
 * wanted, so its runs never expire; neither do those of a schedule declared with
 * `expiresAtNextSlot: false` (the weekly report: a later run does not report an earlier week),
 * nor an immediate run, asked for by hand.
 */
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import { payloadPreview } from '../lib/payload-preview.ts';
import type { ResolvedSchedule } from './schedule.ts';
import type { SlotCalendar } from './slot-calendar.ts';
import { maintenanceJobId } from './slot-identity.ts';

export interface MaintenanceRun {
  request: MaintenanceRequest;
  pending: JobStatusEvent;
}

/** When the run of `schedule`'s slot `slotMs` expires (pure): its next slot, or null (see above). */
export function slotRunExpiry(
  schedule: Pick<ResolvedSchedule, 'missedSlots' | 'expiresAtNextSlot'>,
  calendar: Pick<SlotCalendar, 'next'>,
  slotMs: number,
): number | null {
  return schedule.missedSlots === 'all' || !schedule.expiresAtNextSlot ? null : calendar.next(slotMs);
}

/**
 * The request and PENDING event of `schedule`'s run for `slotMs` under `idempotencyKey`,
 * expiring at `expiresAtMs` (null: never).
 */
export function maintenanceRun(
  schedule: Pick<ResolvedSchedule, 'name' | 'task'>,
  slotMs: number,
  idempotencyKey: string,
  requestedAtMs: number,
  workerId: string | null,
  expiresAtMs: number | null = null,
): MaintenanceRun {
  const jobId = maintenanceJobId(idempotencyKey);
  const request: MaintenanceRequest = {
    jobId,
    task: schedule.task,
    scheduleName: schedule.name,
    slotTime: slotMs,
    idempotencyKey,
    requestedAt: requestedAtMs,
    expiresAt: expiresAtMs,
  };
  const pending: JobStatusEvent = {
    jobId,
    jobType: 'MAINTENANCE',
    stage: 'MAINTENANCE',
    state: 'PENDING',
    sequence: 0,
    attempt: 0,
    progress: null,
    result: null,
    error: null,
    occurredAt: requestedAtMs,
    submittedAt: requestedAtMs,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    batchId: null,
    parentJobId: null,
    workerId,
    traceId: null,
    expiresAt: expiresAtMs,
    payloadPreview: payloadPreview(request),
  };
  return { request, pending };
}
