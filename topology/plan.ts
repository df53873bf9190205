/**
 * Compares declared topics with the live cluster and says what `topology apply` must do.
 * Pure: no Kafka client here, so every case has a fast unit test.
 */
import type { TopicDescription } from './topics.ts';

export type TopologyChange =
  | { kind: 'create'; topic: TopicDescription }
  | { kind: 'replace-configs'; topic: string; live: Record<string, string>; declared: Record<string, string> }
  | { kind: 'increase-partitions'; topic: string; live: number; declared: number };

export interface TopologyPlan {
  changes: TopologyChange[];
  /** Topics that already match their declaration. */
  matching: string[];
  /** Differences apply cannot fix (Kafka cannot shrink a topic or change its replicas here). */
  warnings: string[];
}

function sameConfigs(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

/** What to change so that every declared topic exists with its declared shape and configs. */
export function planTopology(
  declared: readonly TopicDescription[],
  live: ReadonlyMap<string, TopicDescription>,
): TopologyPlan {
  const plan: TopologyPlan = { changes: [], matching: [], warnings: [] };
  for (const topic of declared) {
    const current = live.get(topic.name);
    if (!current) {
      plan.changes.push({ kind: 'create', topic });
      continue;
    }
    let matches = true;
    if (current.partitions < topic.partitions) {
      plan.changes.push({
        kind: 'increase-partitions',
        topic: topic.name,
        live: current.partitions,
        declared: topic.partitions,
      });
      matches = false;
    } else if (current.partitions > topic.partitions) {
      plan.warnings.push(
        `${topic.name}: has ${current.partitions} partitions, declared ${topic.partitions}; Kafka cannot remove partitions`,
      );
    }
    if (current.replicationFactor !== topic.replicationFactor) {
      plan.warnings.push(
        `${topic.name}: replication factor is ${current.replicationFactor}, declared ${topic.replicationFactor}; reassign partitions to change it`,
      );
    }
    if (!sameConfigs(current.configs, topic.configs)) {
      plan.changes.push({ kind: 'replace-configs', topic: topic.name, live: current.configs, declared: topic.configs });
      matches = false;
    }
    if (matches) plan.matching.push(topic.name);
  }
  return plan;
}

/** One line per change, for people reading the output of `topology apply`. */
export function describeChange(change: TopologyChange): string {
  switch (change.kind) {
    case 'create':
      return `create ${change.topic.name} (${change.topic.partitions} partitions, replication ${change.topic.replicationFactor})`;
    case 'increase-partitions':
      return `grow ${change.topic} from ${change.live} to ${change.declared} partitions`;
    case 'replace-configs': {
      const keys = [...new Set([...Object.keys(change.live), ...Object.keys(change.declared)])].sort();
      const diffs = keys
        .filter((key) => change.live[key] !== change.declared[key])
        .map((key) => `${key}: ${change.live[key] ?? '(default)'} -> ${change.declared[key] ?? '(default)'}`);
      return `alter ${change.topic} configs (${diffs.join(', ')})`;
    }
  }
}
