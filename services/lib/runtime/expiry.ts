/**
 * A job's expiry (Celery's `expires`): the header's `expiresAt`, after which no attempt of the
 * job starts. The runner checks it when a job is taken in and again right before its handler
 * starts (it may have waited for a slot or the rate limiter past it); a failed attempt whose
 * retry would come due after it ends the job at once (failed-attempt.ts).
 */
import type { JobError } from '../../../schemas/job-error.ts';

/** Why a job ends REVOKED: a revoke or purge, or its expiry. */
export type RevocationCode = 'SEDANO_ERR_JOB_REVOKED' | 'SEDANO_ERR_JOB_EXPIRED';

const ERROR_TYPES = { SEDANO_ERR_JOB_REVOKED: 'RevokedError', SEDANO_ERR_JOB_EXPIRED: 'ExpiredError' } as const;

/** The error of a REVOKED status event (pure); the stage runtime's reporter and maintenance's share it. */
export function revocationError(reason: string, code: RevocationCode = 'SEDANO_ERR_JOB_REVOKED'): JobError {
  return { code, type: ERROR_TYPES[code], message: reason, retriable: false };
}

/** Why an expired job does not run: it ends REVOKED with this code and message. */
export interface ExpiryRefusal {
  code: 'SEDANO_ERR_JOB_EXPIRED';
  message: string;
}

/** The refusal of a job whose expiry is before `at` (pure), or null (none, or not passed yet). */
export function expiryRefusal(expiresAt: number | null, at: number, why = ''): ExpiryRefusal | null {
  if (expiresAt === null || at <= expiresAt) return null;
  return { code: 'SEDANO_ERR_JOB_EXPIRED', message: `expired at ${new Date(expiresAt).toISOString()}${why}` };
}
