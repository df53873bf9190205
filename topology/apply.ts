/** Makes a live cluster match the declared topics: create what is missing, alter what drifted. */
import type { KafkaAdmin, TopicDescription } from '../services/lib/kafka.ts';
import { planTopology, type TopologyPlan } from './plan.ts';

/** Applies the plan for `declared` and returns it; running it again returns a plan with no changes. */
export async function applyTopology(admin: KafkaAdmin, declared: readonly TopicDescription[]): Promise<TopologyPlan> {
  const live = await admin.describeTopics(declared.map((topic) => topic.name));
  const plan = planTopology(declared, live);
  const toCreate = plan.changes.flatMap((change) => (change.kind === 'create' ? [change.topic] : []));
  if (toCreate.length > 0) await admin.createTopics(toCreate);
  for (const change of plan.changes) {
    if (change.kind === 'increase-partitions') await admin.increasePartitions(change.topic, change.declared);
    if (change.kind === 'replace-configs') await admin.replaceTopicConfigs(change.topic, change.declared);
  }
  return plan;
}

export interface TopicState {
  declared: TopicDescription;
  /** The live topic, or undefined when it does not exist yet. */
  live: TopicDescription | undefined;
}

/** Each declared topic next to its live state. */
export async function describeTopology(
  admin: KafkaAdmin,
  declared: readonly TopicDescription[],
): Promise<TopicState[]> {
  const live = await admin.describeTopics(declared.map((topic) => topic.name));
  return declared.map((topic) => ({ declared: topic, live: live.get(topic.name) }));
}
