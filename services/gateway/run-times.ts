/**
 * A stage's run times as the dashboard's overview shows them: the mean and 95th percentile,
 * started to finished, of the successes among its 200 latest jobs that finished in the last 15
 * minutes. The
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

/**
 * The latest jobs of the stage read (any state: the stage's own index, so a rare stage is not
 * looked for among every stage's successes), and the window their successes count in.
 */
export const RECENT_JOBS = 200;
export const RUN_TIME_WINDOW_MS = 15 * 60_000;

const CACHE_MS = 2_000;

/** The run times of the successes among `jobs` that finished within `windowMs` of `now` (pure). */
export function runTimesOf(
  jobs: readonly Pick<JobView, 'state' | 'startedAt' | 'finishedAt'>[],
  now: number,
  windowMs = RUN_TIME_WINDOW_MS,
): RunTimes {
  const runMs = jobs
    .flatMap(({ state, startedAt, finishedAt }) =>
      state === 'SUCCESS' && startedAt !== null && finishedAt !== null && now - finishedAt <= windowMs
        ? [finishedAt - startedAt]
        : [],
    )
    .sort((a, b) => a - b);
  if (runMs.length === 0) return { meanRunMs: null, p95RunMs: null, sampled: 0 };
  const meanRunMs = Math.round(runMs.reduce((sum, ms) => sum + ms, 0) / runMs.length);
  return { meanRunMs, p95RunMs: percentile(runMs, 0.95), sampled: runMs.length };
}

/** A read of a stage's run times: shared while in flight and for CACHE_MS after it settled. */
interface CachedRead {
  settledAt: number | undefined;
  runTimes: Promise<RunTimes | null>;
}

/**
 * Reads a stage's run times from the status view: a read is shared by every request until it
 * has been settled for CACHE_MS, and one that fails gives null (the stage's other figures stand).
 */
export function createRunTimesReader(context: Pick<GatewayContext, 'view' | 'now'>) {
  const cache = new Map<Stage, CachedRead>();
  return function runTimes(stage: Stage): Promise<RunTimes | null> {
    const cached = cache.get(stage);
    if (cached !== undefined && (cached.settledAt === undefined || context.now() - cached.settledAt <= CACHE_MS)) {
      return cached.runTimes;
    }
    const entry: CachedRead = {
      settledAt: undefined,
      runTimes: context.view.list({ stage: stageSymbol(stage), limit: RECENT_JOBS, withResults: false }).then(
        (page) => runTimesOf(page.jobs, context.now()),
        () => null,
      ),
    };
    void entry.runTimes.then((read) => {
      // A failed read is not kept (unless a newer one replaced it): the next request tries again.
      if (read === null) {
        if (cache.get(stage) === entry) cache.delete(stage);
      } else entry.settledAt = context.now();
    });
    cache.set(stage, entry);
    return entry.runTimes;
  };
}
