/**
 * The identity of a maintenance run: its idempotency key, and the job id derived from it, are
 * functions of the schedule's name and the slot's instant, so every scheduler that fires one
 * slot (two of them racing, one retrying after another died) emits the same job.
 */
import { jobIdForKey } from '../lib/job-ids.ts';

/** The idempotency key of a schedule's slot, e.g. `schedule:backup:2026-03-29T00:00:00.000Z`. */
export function slotIdempotencyKey(scheduleName: string, slotMs: number): string {
  return `schedule:${scheduleName}:${new Date(slotMs).toISOString()}`;
}

/** The idempotency key of an immediate run: one per `runId` (e.g. a request's Idempotency-Key). */
export function immediateRunKey(scheduleName: string, runId: string): string {
  return `schedule:${scheduleName}:run:${runId}`;
}

/** The job id (a version 5 UUID) of an idempotency key. */
export function maintenanceJobId(idempotencyKey: string): string {
  return jobIdForKey(idempotencyKey);
}
