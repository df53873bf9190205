/** Why a running job's AbortSignal fired, when it is neither a time limit nor the handler's own doing. */

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
