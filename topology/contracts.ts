/**
 * Which record each topic carries, under which subject, and at which compatibility level.
 *
 * Subjects follow TopicNameStrategy (`<topic>-value`). The level is chosen per topic family;
 * the reason is written next to each choice. `topology apply` registers every subject's
 * schema and sets its level; the codec registers on first use with the same level.
 */
import { type AnalyzeDocumentsRequest, analyzeDocumentsRequestContract } from '../schemas/analyze-documents-request.ts';
import { type BatchDeclaration, batchDeclarationContract } from '../schemas/batch-declaration.ts';
import { type ControlCommand, controlCommandContract } from '../schemas/control-command.ts';
import { type DeadLetterRecord, deadLetterRecordContract } from '../schemas/dead-letter-record.ts';
import { type ExportReportRequest, exportReportRequestContract } from '../schemas/export-report-request.ts';
import { type IndexDocumentsRequest, indexDocumentsRequestContract } from '../schemas/index-documents-request.ts';
import { type JobStatusEvent, jobStatusEventContract } from '../schemas/job-status-event.ts';
import { type MaintenanceRequest, maintenanceRequestContract } from '../schemas/maintenance-request.ts';
import { type NoopRequest, noopRequestContract } from '../schemas/noop-request.ts';
import { type TrainModelRequest, trainModelRequestContract } from '../schemas/train-model-request.ts';
import type { Contract } from '../schemas/contract.ts';
import type { JobType } from '../schemas/job-type.ts';
import type { TopologyNames } from './names.ts';
import { LANES, type Lane, RETRY_TIERS, type RetryTier, type Stage, STAGES } from './stages.ts';

/** Compatibility levels of the Confluent schema registry API. */
export type CompatibilityLevel =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

/** Where a contract is written: the subject of a topic and that subject's compatibility level. */
export interface SubjectBinding<T> {
  subject: string;
  contract: Contract<T>;
  compatibility: CompatibilityLevel;
}

/** The request record of each stage's job and retry topics. */
export interface StageRequests {
  indexing: IndexDocumentsRequest;
  analysis: AnalyzeDocumentsRequest;
  training: TrainModelRequest;
  export: ExportReportRequest;
  noop: NoopRequest;
}

export const STAGE_REQUEST_CONTRACTS: { [S in Stage]: Contract<StageRequests[S]> } = {
  indexing: indexDocumentsRequestContract,
  analysis: analyzeDocumentsRequestContract,
  training: trainModelRequestContract,
  export: exportReportRequestContract,
  noop: noopRequestContract,
};

/** The job type each stage's requests carry in their header (a record on the wrong lane is refused). */
export const JOB_TYPES: Record<Stage, JobType> = {
  indexing: 'INDEX_DOCUMENTS',
  analysis: 'ANALYZE_DOCUMENTS',
  training: 'TRAIN_MODEL',
  export: 'EXPORT_REPORT',
  noop: 'NOOP',
};

export interface CompatibilityPolicy {
  level: CompatibilityLevel;
  reason: string;
}

/** The compatibility level of each topic family, and why. */
export const COMPATIBILITY_POLICIES = {
  jobRequests: {
    level: 'FULL_TRANSITIVE',
    reason:
      'Upstream producers in any language deploy on their own schedules and workers roll one at a time, while ' +
      'job and retry topics keep records for days: any reader may meet a record of any earlier or later writer. ' +
      'FULL_TRANSITIVE lets every version read every other (only fields with defaults may be added or removed).',
  },
  status: {
    level: 'FULL_TRANSITIVE',
    reason:
      'The topic is compacted, so the last event of every job stays forever and a rebuild of the view reads them ' +
      'all (new readers must read every old version); workers write and the projector reads, and they roll ' +
      'independently (old readers must read new events). Both directions, against all versions.',
  },
  batches: {
    level: 'FULL_TRANSITIVE',
    reason:
      'Compacted like the status topic: a rebuild of the view reads every declaration still kept, of any ' +
      'version; upstream services write declarations (through the job client) and projectors read them, ' +
      'each rolling on its own schedule. Both directions, against all versions.',
  },
  maintenance: {
    level: 'FULL',
    reason:
      'Written by the scheduler and read by maintenance workers, both sedano services that roll independently; ' +
      'records expire within a week, so compatibility with the previous version in both directions is enough.',
  },
  control: {
    level: 'FULL',
    reason:
      'Written by the API and CLI, read by every worker, during a rollout in either order; commands matter for a ' +
      'day at most, so the previous version in both directions is enough.',
  },
  deadLetter: {
    level: 'BACKWARD_TRANSITIVE',
    reason:
      'Written by every consumer and read by operator tooling (list, replay) for a month: the tooling is upgraded ' +
      'with the release and must read dead letters written by every older version.',
  },
} as const satisfies Record<string, CompatibilityPolicy>;

/** The subjects of one namespace's topics, each with its record and compatibility level. */
export interface ContractBindings {
  /** Where a stage's requests of one lane are written. */
  request<S extends Stage>(stage: S, lane: Lane): SubjectBinding<StageRequests[S]>;
  /** Where a stage's retries of one delay tier are written: the same request record. */
  retry<S extends Stage>(stage: S, tier: RetryTier): SubjectBinding<StageRequests[S]>;
  readonly status: SubjectBinding<JobStatusEvent>;
  readonly batchDeclaration: SubjectBinding<BatchDeclaration>;
  readonly maintenance: SubjectBinding<MaintenanceRequest>;
  readonly control: SubjectBinding<ControlCommand>;
  readonly deadLetter: SubjectBinding<DeadLetterRecord>;
  /** Every subject sedano writes, in topic order. */
  all(): SubjectBinding<unknown>[];
}

/** The contract bindings of the deployment whose names are `names`. */
export function contractBindings(names: TopologyNames): ContractBindings {
  const binding = <T>(topic: string, contract: Contract<T>, policy: CompatibilityPolicy): SubjectBinding<T> => ({
    subject: names.valueSubject(topic),
    contract,
    compatibility: policy.level,
  });
  const bindings: ContractBindings = {
    request: (stage, lane) =>
      binding(names.jobTopic(stage, lane), STAGE_REQUEST_CONTRACTS[stage], COMPATIBILITY_POLICIES.jobRequests),
    retry: (stage, tier) =>
      binding(names.retryTopic(stage, tier), STAGE_REQUEST_CONTRACTS[stage], COMPATIBILITY_POLICIES.jobRequests),
    status: binding(names.statusTopic, jobStatusEventContract, COMPATIBILITY_POLICIES.status),
    batchDeclaration: binding(names.batchesTopic, batchDeclarationContract, COMPATIBILITY_POLICIES.batches),
    maintenance: binding(names.maintenanceTopic, maintenanceRequestContract, COMPATIBILITY_POLICIES.maintenance),
    control: binding(names.controlTopic, controlCommandContract, COMPATIBILITY_POLICIES.control),
    deadLetter: binding(names.deadLetterTopic, deadLetterRecordContract, COMPATIBILITY_POLICIES.deadLetter),
    all() {
      const all: SubjectBinding<unknown>[] = [];
      for (const stage of STAGES) {
        for (const lane of LANES) all.push(bindings.request(stage, lane));
        for (const tier of RETRY_TIERS) all.push(bindings.retry(stage, tier.name));
      }
      all.push(bindings.status, bindings.batchDeclaration, bindings.maintenance, bindings.control, bindings.deadLetter);
      return all;
    },
  };
  return bindings;
}
