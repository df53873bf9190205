/** Why a running job's AbortSignal fired: a time limit, a revoke, or the worker's shutdown. */
import { SedanoError } from '../errors.ts';

/** The abort reason of a job revoked while it runs. */
export class RevokedError extends Error {
  override name = 'RevokedError';
}

/** The abort reason of jobs still running when the shutdown grace period ends. */
export class ShutdownError extends Error {
  override name = 'ShutdownError';
  constructor() {
    super('the worker is shutting down');
  }
}

/**
 * The soft limit aborts the handler's signal (it should stop); the hard limit fails the
 * attempt at once and terminates its worker thread. Running the same work again would hit the
 * same limit, so neither is retriable.
 */
export class TimeLimitError extends SedanoError {
  readonly kind: 'soft' | 'hard';
  constructor(kind: 'soft' | 'hard', ms: number) {
    super('SEDANO_ERR_JOB_TIME_LIMIT', `the ${kind} time limit of ${ms} ms was reached`);
    this.name = 'TimeLimitError';
    this.kind = kind;
  }
}

/** Why a signal aborted, as an Error (a signal aborted without a reason gives an AbortError). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
