/**
 * Why a running job's AbortSignal fired: a time limit, a revoke, or the worker's shutdown.
 * Each reason is a SedanoError with its own code and is recognised by that code (isRevoked,
 * isShutdown), never by `instanceof`: a reason crosses worker threads as plain data and is
 * rebuilt there (thread-messages.ts), so the class it arrives as is not the one it left as.
 */
import { isSedanoError, SedanoError } from '../errors.ts';

/** The abort reason of a job revoked while it runs; the reason given is the message. */
export class RevokedError extends SedanoError {
  constructor(reason: string) {
    super('SEDANO_ERR_JOB_REVOKED', reason, { retriable: false });
    this.name = 'RevokedError';
  }
}

/**
 * The abort reason of jobs still running when the shutdown grace period ends. Retriable: the
 * job stays uncommitted and the next owner of its partition runs it again.
 */
export class ShutdownError extends SedanoError {
  constructor() {
    super('SEDANO_ERR_WORKER_SHUTDOWN', 'the worker is shutting down', { retriable: true });
    this.name = 'ShutdownError';
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

/** True for the reason of a revoked job, whichever thread built it. */
export function isRevoked(error: unknown): error is SedanoError {
  return isSedanoError(error) && error.code === 'SEDANO_ERR_JOB_REVOKED';
}

/** True for the reason of a job aborted by its worker's shutdown, whichever thread built it. */
export function isShutdown(error: unknown): error is SedanoError {
  return isSedanoError(error) && error.code === 'SEDANO_ERR_WORKER_SHUTDOWN';
}

/** Why a signal aborted, as an Error (a signal aborted without a reason gives an AbortError). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
