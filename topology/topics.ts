/**
 * Every Kafka topic of sedano (DESIGN.md section 2), declared as code.
 *
 * Names come from names.ts (a function of the namespace); `npm run topology -- apply` makes
 * the cluster match the declarations. Sizes and retention are written next to each family with the reason.
 */
import type { TopologyNames } from './names.ts';
import { LANES, RETRY_TIERS, STAGES } from './stages.ts';

export { LANES, RETRY_TIERS, STAGES, type Lane, type RetryTier, type Stage } from './stages.ts';

/** A topic as declared here and as the Kafka admin client describes it. */
export interface TopicDescription {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs: for a live topic, only those set on the topic (not broker defaults). */
  configs: Record<string, string>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Largest record a job topic accepts (1 MiB): larger documents travel by reference. */
export const JOB_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * Largest status event the status topic accepts (8 MiB): a result that would make one larger
 * fails its job (job-reporter.ts) rather than be refused by the broker, in place, forever.
 *
 * Above Kafka's 1 MiB default because a job's result travels in its SUCCESS event: an analysis
 * keeps every document it analysed (some 130-390 bytes each with its detail lists emptied,
 * analyzer/result-budget.ts), so at 1 MiB a job of about 2,000 long reports failed after its
 * work; at 8 MiB about 20,000 fit. Brokers and kafkajs fetch a record larger than a fetch's size
 * (KIP-74), so no consumer setting follows. Storing results apart and sending a reference
 * would need storage every worker shares, which sedano does not have; the results themselves
 * are read apart from job views already (status-view.ts).
 */
export const STATUS_MAX_MESSAGE_BYTES = 8 * 1_048_576;

/**
 * Largest batch declaration (1 MiB + 64 KiB): it carries its follow-up's framed request, which
 * may be as large as a job topic accepts, plus the follow-up's PENDING event and headers.
 */
export const BATCH_MAX_MESSAGE_BYTES = JOB_MAX_MESSAGE_BYTES + 65_536;

/** The largest message any declared topic accepts: what a consumer's codec takes (services/lib/codec.ts). */
export const LARGEST_MESSAGE_BYTES = Math.max(JOB_MAX_MESSAGE_BYTES, STATUS_MAX_MESSAGE_BYTES, BATCH_MAX_MESSAGE_BYTES);

export interface TopologyOptions {
  /** Replicas per partition: 1 on the single local broker, 3 on a production cluster. */
  replicationFactor: number;
}

/** The declared topics, in a stable order. */
export function declaredTopics(names: TopologyNames, options: TopologyOptions): TopicDescription[] {
  const { replicationFactor } = options;
  const minInsync = String(Math.min(2, replicationFactor));
  const common = { 'min.insync.replicas': minInsync };
  const topics: TopicDescription[] = [];
  for (const stage of STAGES) {
    for (const lane of LANES) {
      // 6 partitions: up to 6 workers of a stage share a lane; a week of retention lets a
      // stopped stage catch up after a long outage.
      topics.push({
        name: names.jobTopic(stage, lane),
        partitions: 6,
        replicationFactor,
        configs: {
          ...common,
          'cleanup.policy': 'delete',
          'retention.ms': String(7 * DAY_MS),
          'max.message.bytes': String(JOB_MAX_MESSAGE_BYTES),
        },
      });
    }
    for (const tier of RETRY_TIERS) {
      // A retry waits at most its tier's delay; three days covers a weekend outage.
      topics.push({
        name: names.retryTopic(stage, tier.name),
        partitions: 3,
        replicationFactor,
        configs: {
          ...common,
          'cleanup.policy': 'delete',
          'retention.ms': String(3 * DAY_MS),
          'max.message.bytes': String(JOB_MAX_MESSAGE_BYTES),
        },
      });
    }
  }
  topics.push({
    name: names.statusTopic,
    // Keyed by job id; 12 partitions let several projectors share the load.
    partitions: 12,
    replicationFactor,
    configs: {
      ...common,
      // Only the latest event per job is needed to rebuild the view.
      'cleanup.policy': 'compact',
      // Keep recent history uncompacted for an hour so late readers see every transition,
      // roll segments hourly so compaction can run, and keep tombstones a day.
      'min.compaction.lag.ms': String(HOUR_MS),
      'segment.ms': String(HOUR_MS),
      'delete.retention.ms': String(DAY_MS),
      'max.message.bytes': String(STATUS_MAX_MESSAGE_BYTES),
    },
  });
  topics.push({
    name: names.batchesTopic,
    // One declaration per batch, far fewer than status events: 3 partitions are plenty, and
    // keying by batch id keeps a batch's declaration in one place.
    partitions: 3,
    replicationFactor,
    configs: {
      ...common,
      // Compacted like the status topic so a rebuild of the view finds every declaration, and
      // also deleted after a month: nothing ever replaces a declaration, and each carries a
      // whole request, so compaction alone would keep them all forever. A batch whose children
      // have not all ended after a month (job topics keep a week) will not end.
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(30 * DAY_MS),
      // Both cleanups only touch closed segments; a daily roll lets them run on time.
      'segment.ms': String(DAY_MS),
      'max.message.bytes': String(BATCH_MAX_MESSAGE_BYTES),
    },
  });
  topics.push({
    name: names.deadLetterTopic,
    partitions: 3,
    replicationFactor,
    configs: {
      ...common,
      'cleanup.policy': 'delete',
      // A month for an operator to inspect and replay.
      'retention.ms': String(30 * DAY_MS),
      // Holds the original message plus the reason, so it accepts more than a job topic.
      'max.message.bytes': String(2 * JOB_MAX_MESSAGE_BYTES + 65_536),
    },
  });
  topics.push({
    name: names.maintenanceTopic,
    partitions: 1,
    replicationFactor,
    configs: { ...common, 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) },
  });
  topics.push({
    name: names.controlTopic,
    // One partition keeps commands in the order they were given.
    partitions: 1,
    replicationFactor,
    // Commands matter for a day at most; revocations are also remembered in Redis.
    configs: { ...common, 'cleanup.policy': 'delete', 'retention.ms': String(DAY_MS) },
  });
  topics.push({
    name: names.smokeTopic,
    partitions: 1,
    replicationFactor,
    // A check is read back within seconds; an hour leaves time to look at it.
    configs: { ...common, 'cleanup.policy': 'delete', 'retention.ms': String(HOUR_MS) },
  });
  return topics;
}
