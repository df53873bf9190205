/**
 * How far a consumer group is behind on a topic (pure): per partition, the end offset minus the
 * group's committed offset; a partition the group never committed counts from its first offset
 * still in the log. Used by the gateway (`GET /v1/stages`, estimates, metrics) and `ctl lag`/`purge`.
 */
import type { PartitionOffset } from './kafka.ts';

/** A partition's offsets, as `fetchTopicOffsets` gives them. */
export interface PartitionEnds {
  partition: number;
  low: string;
  high: string;
}

/** Messages of one partition the group has not consumed yet, and where they start. */
export function partitionLag(
  ends: PartitionEnds,
  committed: string | undefined,
  alreadySkippedBelow = 0,
): { from: number; end: number; lag: number } {
  const low = Number(ends.low);
  const end = Number(ends.high);
  const offset = committed === undefined ? -1 : Number(committed);
  // -1: no commit yet; the group starts from the oldest message still in the log.
  const from = Math.max(offset < 0 ? low : offset, low, alreadySkippedBelow);
  return { from, end, lag: Math.max(0, end - from) };
}

/** The lag of one topic, summed over its partitions. */
export function topicLag(topic: string, ends: readonly PartitionEnds[], committed: readonly PartitionOffset[]): number {
  let lag = 0;
  for (const partition of ends) {
    const offset = committed.find((entry) => entry.topic === topic && entry.partition === partition.partition);
    lag += partitionLag(partition, offset?.offset).lag;
  }
  return lag;
}
