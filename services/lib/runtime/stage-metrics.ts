/**
 * The stage runtime's side of a worker's metrics (worker-metrics.ts): bound to one stage, with
 * the lane named from the topic a message came from, so the runtime's collaborators make one
 * short call where something happens. Without metrics (tests, tools) every call does nothing.
 */
import { LANES } from '../../../topology/stages.ts';
import type { DeadLetterWriter } from '../dead-letter.ts';
import type { AttemptOutcome, WorkerMetrics } from '../worker-metrics.ts';

export interface StageMetrics {
  /** An attempt of a job from `topic` started. */
  started: (topic: string) => void;
  /** It ended: its outcome, run time and wait before it started, in ms. */
  ended: (topic: string, outcome: AttemptOutcome, runMs: number, waitMs: number) => void;
  /** It was left unfinished (shutdown, or the infrastructure failed): the job runs again. */
  abandoned: (topic: string) => void;
  deadLettered: (topic: string, code: string) => void;
  lag: (topic: string, messages: number) => void;
  threadPoolSize: (threads: number) => void;
  threadRecycled: (reason: string) => void;
}

/**
 * The lane a topic is (pure): `high`, `normal` or `low` by its place among the stage's lane
 * topics (highest first); any other topic is named as itself.
 */
export function laneOf(lanes: readonly string[], topic: string): string {
  const index = lanes.indexOf(topic);
  return index < 0 ? topic : (LANES[index] ?? topic);
}

/** Binds `metrics` (undefined: none) to a stage whose lane topics are `lanes`, highest first. */
export function stageMetrics(
  metrics: WorkerMetrics | undefined,
  stage: string,
  lanes: readonly string[],
): StageMetrics {
  if (metrics === undefined) {
    const none = () => {};
    return {
      started: none,
      ended: none,
      abandoned: none,
      deadLettered: none,
      lag: none,
      threadPoolSize: none,
      threadRecycled: none,
    };
  }
  const lane = (topic: string) => laneOf(lanes, topic);
  return {
    started: (topic) => metrics.jobStarted(stage, lane(topic), topic),
    ended(topic, outcome, runMs, waitMs) {
      metrics.jobEnded(stage, lane(topic), outcome, runMs, waitMs, topic);
      if (outcome === 'RETRY') metrics.retried(stage, lane(topic));
    },
    abandoned: (topic) => metrics.jobAbandoned(stage, lane(topic)),
    deadLettered: (topic, code) => metrics.deadLettered(stage, lane(topic), code),
    lag: (topic, messages) => metrics.lag(stage, lane(topic), messages),
    threadPoolSize: (threads) => metrics.threadPoolSize(stage, threads),
    threadRecycled: (reason) => metrics.threadRecycled(stage, reason),
  };
}

/** A dead-letter writer that also counts what it wrote, by the lane it came from and its code. */
export function countedDeadLetters(writer: DeadLetterWriter, metrics: StageMetrics): DeadLetterWriter {
  return {
    counts: writer.counts,
    async write(deadLetter) {
      await writer.write(deadLetter);
      metrics.deadLettered(deadLetter.message.topic, deadLetter.errorCode);
    },
  };
}
