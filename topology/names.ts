/**
 * Every Kafka topic, consumer group and schema subject name of one deployment, as pure
 * functions of its namespace (`SEDANO_NAMESPACE`, default `sedano`).
 *
 * Two deployments with different namespaces (staging and production, or the test suite and a
 * running system) share one Kafka cluster and one schema registry without seeing each other's
 * jobs. Nothing else in the repository writes a topic, group or subject name; Redis key names
 * come from `redis-keys.ts` in the same way.
 */
import { type Lane, type RetryTier, type Stage, type WorkerStage } from './stages.ts';

/** The namespace of a deployment that sets none. */
export const DEFAULT_NAMESPACE = 'sedano';

/**
 * What a namespace may be: it starts every topic, group and subject name (Kafka allows
 * `[a-zA-Z0-9._-]`) and every Redis key, and `.` and `:` are the separators after it.
 */
export const NAMESPACE_PATTERN = '^[a-z0-9][a-z0-9_-]{0,39}$';

export interface TopologyNames {
  readonly namespace: string;
  /** Topic of one stage lane, e.g. `sedano.jobs.indexing.high`. */
  readonly jobTopic: (stage: Stage, lane: Lane) => string;
  /** Delay topic of one stage and retry tier, e.g. `sedano.retry.indexing.1m`. */
  readonly retryTopic: (stage: Stage, tier: RetryTier) => string;
  /** Compacted topic of job status events, keyed by job id: the source of truth of the status view. */
  readonly statusTopic: string;
  /** Batch declarations (size and follow-up job), keyed by batch id. */
  readonly batchesTopic: string;
  /** Poison messages and jobs whose attempts ran out, with the original bytes and the reason. */
  readonly deadLetterTopic: string;
  /** Maintenance requests emitted by the scheduler. */
  readonly maintenanceTopic: string;
  /** Control commands (revoke, pause, resume, ping) read by every worker. */
  readonly controlTopic: string;
  /** Round-trip checks of the pipeline (services/smoke). */
  readonly smokeTopic: string;
  /** The consumer group of a stage's workers, e.g. `sedano.stage.indexing`. */
  readonly stageGroup: (stage: Stage) => string;
  /** The group that moves a stage group's due retries back to its lanes. */
  readonly retryGroup: (stageGroupId: string) => string;
  /** The status projectors' group on the status topic. */
  readonly statusProjectorGroup: string;
  /** A projector group's companion on the batches topic (another record, so another consumer). */
  readonly batchDeclarationsGroup: (projectorGroupId: string) => string;
  /** A one-off group that reads the status topic from the start to rebuild the view. */
  readonly rebuildGroup: (runId: string) => string;
  /** The maintenance workers' group. */
  readonly maintenanceGroup: string;
  /** The group a worker of this stage joins: its stage group, or the maintenance group. */
  readonly workerGroup: (stage: WorkerStage) => string;
  /** A worker's own group on the control topic: every worker reads every command. */
  readonly controlGroup: (workerId: string) => string;
  /** Prefix shared by every worker's control group (for listing them). */
  readonly controlGroupPrefix: string;
  /** The gateway's group that indexes the dead-letter topic. */
  readonly deadLetterIndexGroup: string;
  /**
   * A gateway process's own group on the status topic, for its job metrics: every gateway
   * counts every status event, so each process has one (`instanceId`: unique per process).
   */
  readonly gatewayMetricsGroup: (instanceId: string) => string;
  /** Prefix of every short-lived reader group (the cache cleanup removes those left empty). */
  readonly readerGroupPrefix: string;
  /** Prefix of every rebuild group. */
  readonly rebuildGroupPrefix: string;
  /** A short-lived reader group of the operator CLI (`ctl dlq list`, …). */
  readonly readerGroup: (purpose: string, runId: string) => string;
  /** Schema registry subject of a topic's values (Confluent's TopicNameStrategy: `<topic>-value`). */
  readonly valueSubject: (topic: string) => string;
}

/** The names of the deployment in `namespace`; throws a RangeError for a namespace that is not allowed. */
export function topologyNames(namespace: string = DEFAULT_NAMESPACE): TopologyNames {
  if (!new RegExp(NAMESPACE_PATTERN).test(namespace)) {
    throw new RangeError(`namespace "${namespace}" does not match ${NAMESPACE_PATTERN}`);
  }
  const name = (rest: string) => `${namespace}.${rest}`;
  const stageGroup = (stage: Stage) => name(`stage.${stage}`);
  const maintenanceGroup = name('maintenance');
  return {
    namespace,
    jobTopic: (stage, lane) => name(`jobs.${stage}.${lane}`),
    retryTopic: (stage, tier) => name(`retry.${stage}.${tier}`),
    statusTopic: name('job-status'),
    batchesTopic: name('batches'),
    deadLetterTopic: name('dead-letter'),
    maintenanceTopic: name('maintenance'),
    controlTopic: name('control'),
    smokeTopic: name('smoke'),
    stageGroup,
    retryGroup: (stageGroupId) => `${stageGroupId}.retry`,
    statusProjectorGroup: name('status-projector'),
    batchDeclarationsGroup: (projectorGroupId) => `${projectorGroupId}.batches`,
    rebuildGroup: (runId) => name(`status-projector.rebuild.${runId}`),
    maintenanceGroup,
    workerGroup: (stage) => (stage === 'maintenance' ? maintenanceGroup : stageGroup(stage)),
    controlGroup: (workerId) => name(`control.${workerId}`),
    controlGroupPrefix: name('control.'),
    deadLetterIndexGroup: name('gateway.dead-letters'),
    gatewayMetricsGroup: (instanceId) => name(`gateway-metrics.${instanceId}`),
    readerGroupPrefix: name('ctl.'),
    rebuildGroupPrefix: name('status-projector.rebuild.'),
    readerGroup: (purpose, runId) => name(`ctl.${purpose}-${runId}`),
    valueSubject: (topic) => `${topic}-value`,
  };
}
