/** The topics and group of a stage: the namespace's, or a test's own. */
import type { TopologyNames } from '../../../topology/names.ts';
import { LANES, RETRY_TIERS, type RetryTier, type Stage } from '../../../topology/stages.ts';

export interface StageTopics {
  /** Lane topics, highest priority first. */
  lanes: readonly string[];
  retry: Record<RetryTier, string>;
  status: string;
  control: string;
  groupId: string;
}

/** The topics and group of `stage` in the namespace of `names`. */
export function stageTopics(names: TopologyNames, stage: Stage): StageTopics {
  return {
    lanes: LANES.map((lane) => names.jobTopic(stage, lane)),
    retry: Object.fromEntries(RETRY_TIERS.map((tier) => [tier.name, names.retryTopic(stage, tier.name)])) as Record<
      RetryTier,
      string
    >,
    status: names.statusTopic,
    control: names.controlTopic,
    groupId: names.stageGroup(stage),
  };
}
