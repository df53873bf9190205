/**
 * The records a scheduler writes for one run (pure): the MaintenanceRequest for the
 * maintenance topic and its PENDING status event, so the run shows in the status view from
 * the moment it is emitted.
 */
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import type { ResolvedSchedule } from './schedule.ts';
import { maintenanceJobId } from './slot-identity.ts';

export interface MaintenanceRun {
  request: MaintenanceRequest;
  pending: JobStatusEvent;
}

/** The request and PENDING event of `schedule`'s run for `slotMs` under `idempotencyKey`. */
export function maintenanceRun(
  schedule: Pick<ResolvedSchedule, 'name' | 'task'>,
  slotMs: number,
  idempotencyKey: string,
  requestedAtMs: number,
  workerId: string | null,
): MaintenanceRun {
  const jobId = maintenanceJobId(idempotencyKey);
  const request: MaintenanceRequest = {
    jobId,
    task: schedule.task,
    scheduleName: schedule.name,
    slotTime: slotMs,
    idempotencyKey,
    requestedAt: requestedAtMs,
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
    workerId,
    traceId: null,
    expiresAt: null,
  };
  return { request, pending };
}
