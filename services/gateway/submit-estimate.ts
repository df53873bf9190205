/**
 * When a job just submitted should start and end: the messages ahead of it in its stage's
 * lanes (its own lane and the higher ones, which workers drain first), divided among the
 * job slots of the stage's live workers, at the mean run time of its recent successes.
 *
 * It is an estimate, and only when one can be made: no live worker, or no recent success to
 * time, gives none. Reading it never fails a submission, and a stage's load (its lag, live
 * workers and recent run times) is cached for a couple of seconds, so a burst of submissions
 * does not become a burst of Kafka admin requests and Redis reads (each read of the load is
 * several of each, and the recent successes are 50 job views).
 */
import { type Lane, LANES, type Stage } from '../../topology/topics.ts';
import type { Priority } from '../../schemas/priority.ts';
import type { GatewayContext } from './context.ts';
import { readStageGroup } from './stage-lag.ts';
import { stageSymbol } from './topics.ts';

export interface SubmitEstimate {
  /** Jobs queued before this one in its lane and the higher ones. */
  queuedAhead: number;
  /** Job slots of the stage's live workers (sum of their concurrency). */
  slots: number;
  /** Mean run time of the stage's recent successes, in milliseconds. */
  meanRunMs: number;
  /** Milliseconds from now until the job should start, and end. */
  startsInMs: number;
  endsInMs: number;
}

export interface StageLoad {
  /** Unconsumed messages per lane. */
  lag: Record<Lane, number>;
  slots: number;
  /** Run times of recent successes, in milliseconds. */
  recentRunsMs: number[];
}

const LANE_OF: Record<Priority, Lane> = { HIGH: 'high', NORMAL: 'normal', LOW: 'low' };

/**
 * The estimate for a job of `priority` just produced to a stage under `load` (pure). A job
 * delayed by `delayMs` starts no sooner than that, nor before the queue ahead of it now drains.
 */
export function estimateSubmission(load: StageLoad, priority: Priority, delayMs = 0): SubmitEstimate | undefined {
  if (load.slots <= 0 || load.recentRunsMs.length === 0) return undefined;
  const lanes = LANES.slice(0, LANES.indexOf(LANE_OF[priority]) + 1);
  // The lag read after producing counts the job itself, unless it waits on a delay topic.
  const itself = delayMs > 0 ? 0 : 1;
  const queuedAhead = Math.max(0, lanes.reduce((sum, lane) => sum + load.lag[lane], 0) - itself);
  const meanRunMs = Math.round(load.recentRunsMs.reduce((sum, ms) => sum + ms, 0) / load.recentRunsMs.length);
  const startsInMs = Math.max(delayMs, Math.round((queuedAhead / load.slots) * meanRunMs));
  return { queuedAhead, slots: load.slots, meanRunMs, startsInMs, endsInMs: startsInMs + meanRunMs };
}

const LOAD_CACHE_MS = 2_000;
const RECENT_RUNS = 50;

/** Reads stage loads (cached per stage) from Kafka (lag), worker presence and the view. */
export function createSubmitEstimator(context: Pick<GatewayContext, 'admin' | 'topics' | 'workers' | 'view' | 'now'>) {
  const loadCache = new Map<Stage, { at: number; load: Promise<StageLoad> }>();

  function cachedLoad(stage: Stage): Promise<StageLoad> {
    const cached = loadCache.get(stage);
    if (cached !== undefined && context.now() - cached.at <= LOAD_CACHE_MS) return cached.load;
    const load = readLoad(stage);
    loadCache.set(stage, { at: context.now(), load });
    // A failed read is not kept: the next submission tries again.
    load.catch(() => loadCache.delete(stage));
    return load;
  }

  async function readLoad(stage: Stage): Promise<StageLoad> {
    const [{ lanes }, workers, recent] = await Promise.all([
      readStageGroup(context.admin, context.topics.stages[stage]),
      context.workers.list(stage),
      context.view.list({ stage: stageSymbol(stage), state: 'SUCCESS', limit: RECENT_RUNS, withResults: false }),
    ]);
    const recentRunsMs = recent.jobs.flatMap((job) =>
      job.startedAt !== null && job.finishedAt !== null ? [job.finishedAt - job.startedAt] : [],
    );
    const slots = workers.reduce((sum, worker) => sum + (worker.paused ? 0 : worker.concurrency), 0);
    return { lag: { high: lanes.high.lag, normal: lanes.normal.lag, low: lanes.low.lag }, slots, recentRunsMs };
  }

  return {
    /** The estimate, or undefined when none can be made (or its sources cannot be read now). */
    async estimate(stage: Stage, priority: Priority, delayMs = 0): Promise<SubmitEstimate | undefined> {
      try {
        return estimateSubmission(await cachedLoad(stage), priority, delayMs);
      } catch {
        return undefined;
      }
    },
  };
}
