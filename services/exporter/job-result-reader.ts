/** `readJobResult` backed by the status view: a job's state and result as the view has them. */
import type { StatusView } from '../lib/status-view.ts';
import type { ReadJobResult } from './analysis-report.ts';

export function jobResultReader(view: Pick<StatusView, 'get'>): ReadJobResult {
  return async (jobId) => {
    const job = await view.get(jobId);
    return job === undefined ? undefined : { state: job.state, result: job.result };
  };
}
