/**
 * One job of `npm start`'s sample run, through the running system's gateway: submitted with
 * `POST /v1/jobs`, followed with `GET /v1/jobs/:id/events` until it ends (printing a line per
 * change when `progressLine` is given), and answered with its result, which must be `resultKind`.
 */
import type { JobView } from '../services/lib/status-view.ts';
import { gatewayEvents, gatewayRequest, type GatewayTarget } from './ctl/gateway-client.ts';

type ResultView = NonNullable<JobView['result']>;

export interface SampleJob<Kind extends ResultView['kind']> {
  stage: string;
  payload: Record<string, unknown>;
  resultKind: Kind;
  /** What the submission line says after the job id, e.g. `(financial)`. */
  describe: string;
  /** A line for a PROGRESS view (undefined: none); when not given, only the result is printed by the caller. */
  progressLine?: (job: JobView) => string | undefined;
}

/** `[ 69.5%]` then what `details` adds, then the progress message (pure). */
export function percentLine(job: JobView, details: string): string | undefined {
  const { progress } = job;
  if (progress === null) return undefined;
  return `[${progress.percent.toFixed(1).padStart(5)}%]${details}  ${progress.message ?? ''}`;
}

/** Runs `job` (see the module comment); throws unless it ends SUCCESS with a result of its kind. */
export async function runSampleJob<Kind extends ResultView['kind']>(
  gateway: GatewayTarget,
  job: SampleJob<Kind>,
  print: (line: string) => void,
): Promise<{ jobId: string; result: Extract<ResultView, { kind: Kind }> }> {
  const { jobId, eventsUrl } = await gatewayRequest<{ jobId: string; eventsUrl: string }>(gateway, 'POST', '/v1/jobs', {
    stage: job.stage,
    payload: job.payload,
  });
  print(`${job.stage} job ${jobId}${job.describe}`);
  let final: JobView | undefined;
  let lastLine: string | undefined;
  for await (const event of gatewayEvents(gateway, eventsUrl)) {
    final = JSON.parse(event.data) as JobView;
    if (job.progressLine === undefined) continue;
    const line = final.state === 'PROGRESS' ? job.progressLine(final) : final.state;
    if (line !== undefined && line !== lastLine) print(line);
    lastLine = line;
  }
  const result = final?.result;
  if (final?.state !== 'SUCCESS' || result?.kind !== job.resultKind) {
    throw new Error(
      `the ${job.stage} job ended ${final?.state ?? 'without a status'}: ${final?.error?.message ?? 'no result'}`,
    );
  }
  return { jobId, result: result as Extract<ResultView, { kind: Kind }> };
}
