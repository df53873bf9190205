/**
 * A stage's run times as the dashboard's overview shows them: the mean and 95th percentile,
 * started to finished, of its latest successes that finished in the last 15 minutes. The
 * gateway reads them for `GET /v1/stages`, once per stage every couple of seconds whoever asks:
 * each dashboard used to fetch a stage's 200 latest successes, results and all, every 2 s, and
 * a result may be as large as a status event (1 MiB).
 */
import type { Stage } from '../../topology/topics.ts';
import { percentile } from '../lib/percentile.ts';
import type { JobView } from '../lib/status-view.ts';
import type { GatewayContext } from './context.ts';
import { stageSymbol } from './topics.ts';

export interface RunTimes {
  /** Null when no success finished in the window. */
  meanRunMs: number | null;
  p95RunMs: number | null;
  /** The successes the figures are of. */
  sampled: number;
}

/** The latest successes read, and the window they count in. */
export const RECENT_SUCCESSES = 200;
export const RUN_TIME_WINDOW_MS = 15 * 60_000;

const CACHE_MS = 2_000;

/** The run times of `succeeded` that finished within `windowMs` of `now` (pure). */
export function runTimesOf(
  succeeded: readonly Pick<JobView, 'startedAt' | 'finishedAt'>[],
  now: number,
  windowMs = RUN_TIME_WINDOW_MS,
): RunTimes {
  const runMs = succeeded
    .flatMap(({ startedAt, finishedAt }) =>
      startedAt !== null && finishedAt !== null && now - finishedAt <= windowMs ? [finishedAt - startedAt] : [],
    )
    .sort((a, b) => a - b);
  if (runMs.length === 0) return { meanRunMs: null, p95RunMs: null, sampled: 0 };
  const meanRunMs = Math.round(runMs.reduce((sum, ms) => sum + ms, 0) / runMs.length);
  return { meanRunMs, p95RunMs: percentile(runMs, 0.95), sampled: runMs.length };
}

/** Reads a stage's run times from the status view, cached per stage for CACHE_MS. */
export function createRunTimesReader(context: Pick<GatewayContext, 'view' | 'now'>) {
  const cache = new Map<Stage, { at: number; runTimes: Promise<RunTimes> }>();
  return function runTimes(stage: Stage): Promise<RunTimes> {
    const cached = cache.get(stage);
    if (cached !== undefined && context.now() - cached.at <= CACHE_MS) return cached.runTimes;
    const read = context.view
      .list({ stage: stageSymbol(stage), state: 'SUCCESS', limit: RECENT_SUCCESSES })
      .then((page) => runTimesOf(page.jobs, context.now()));
    cache.set(stage, { at: context.now(), runTimes: read });
    // A failed read is not kept: the next request tries again.
    read.catch(() => cache.delete(stage));
    return read;
  };
}
