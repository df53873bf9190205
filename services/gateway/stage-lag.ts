/**
 * A stage's consumer group as Kafka sees it: its members and how far it is behind on each
 * lane. `lagOf` is the pure part (end offsets minus committed offsets); `readStageGroup` asks
 * the broker.
 */
import { type Lane, LANES } from '../../topology/topics.ts';
import type { KafkaAdmin, PartitionOffset } from '../lib/kafka.ts';
import { type PartitionEnds, topicLag } from '../lib/lag.ts';
import type { StageTopicNames } from './topics.ts';

export interface LaneLag {
  topic: string;
  /** Messages not yet consumed by the group, over every partition. */
  lag: number;
  partitions: number;
}

export interface StageGroup {
  groupId: string;
  state: string;
  members: { memberId: string; clientId: string; host: string }[];
  lanes: Record<Lane, LaneLag>;
}

/** Lag of one topic over every partition (services/lib/lag.ts), with its partition count. */
export function lagOf(topic: string, ends: readonly PartitionEnds[], committed: readonly PartitionOffset[]): LaneLag {
  return { topic, lag: topicLag(topic, ends, committed), partitions: ends.length };
}

export async function readStageGroup(admin: KafkaAdmin, names: StageTopicNames): Promise<StageGroup> {
  const topics = LANES.map((lane) => names.lanes[lane]);
  const [group, committed, ends] = await Promise.all([
    admin.describeGroup(names.groupId),
    admin.fetchGroupOffsets(names.groupId, topics),
    Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
  ]);
  const lanes = Object.fromEntries(
    LANES.map((lane, i) => [lane, lagOf(names.lanes[lane], ends[i] ?? [], committed)]),
  ) as Record<Lane, LaneLag>;
  return { groupId: names.groupId, state: group.state, members: group.members, lanes };
}
