/** The topics and group of a stage: the declared ones, or a test's own. */
import { stageGroup } from '../../../topology/groups.ts';
import {
  CONTROL_TOPIC,
  jobTopic,
  LANES,
  RETRY_TIERS,
  retryTopic,
  type RetryTier,
  type Stage,
  STATUS_TOPIC,
} from '../../../topology/topics.ts';

export interface StageTopics {
  /** Lane topics, highest priority first. */
  lanes: readonly string[];
  retry: Record<RetryTier, string>;
  status: string;
  control: string;
  groupId: string;
}

export function stageTopics(stage: Stage): StageTopics {
  return {
    lanes: LANES.map((lane) => jobTopic(stage, lane)),
    retry: Object.fromEntries(RETRY_TIERS.map((tier) => [tier.name, retryTopic(stage, tier.name)])) as Record<
      RetryTier,
      string
    >,
    status: STATUS_TOPIC,
    control: CONTROL_TOPIC,
    groupId: stageGroup(stage),
  };
}
