/** Consumer group names: one group per stage, one for the status projector. */
import type { Stage } from './topics.ts';

const PREFIX = 'sedano';

/** The consumer group of a stage's workers, e.g. `sedano.stage.indexing`. */
export function stageGroup(stage: Stage): string {
  return `${PREFIX}.stage.${stage}`;
}

/** The status projector's group: every projector shares the status topic's partitions. */
export const STATUS_PROJECTOR_GROUP = `${PREFIX}.status-projector`;

/**
 * The status projector's group on the batches topic: a consumer of its own, because the
 * declarations are another record than the status events (one contract per consumer).
 */
export function batchDeclarationsGroup(projectorGroupId: string): string {
  return `${projectorGroupId}.batches`;
}

/** The maintenance workers' group. */
export const MAINTENANCE_GROUP = `${PREFIX}.maintenance`;

/**
 * Every worker reads every control command, so each worker has a group of its own,
 * named with this prefix and its worker id.
 */
export const CONTROL_GROUP_PREFIX = `${PREFIX}.control.`;

/** The group that moves a stage's due retries back to its lanes. */
export function groupStageRetry(stageGroupId: string): string {
  return `${stageGroupId}.retry`;
}

/**
 * Every gateway counts every status event for its job metrics, so each gateway process has a
 * group of its own, named with this prefix and an id of the process.
 */
export const GATEWAY_METRICS_GROUP_PREFIX = `${PREFIX}.gateway-metrics.`;
