/**
 * What the status projector tests share: a status topic of their own (with its subject and a
 * producer), an isolated view, and status events of made-up jobs.
 */
import type { TestContext } from 'node:test';
import type { JobState } from '../../../../schemas/job-state.ts';
import { jobStatusEventContract, type JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { type Codec, createCodec, type SubjectBinding } from '../../../../services/lib/codec.ts';
import type { KafkaClient, OutgoingMessage } from '../../../../services/lib/kafka.ts';
import { createStatusView, type StatusView } from '../../../../services/lib/status-view.ts';
import type { TopologyNames } from '../../../../topology/names.ts';
import { STATUS_MAX_MESSAGE_BYTES } from '../../../../topology/topics.ts';
import {
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  redisClient,
  schemaRegistry,
  testNames,
} from '../../../support/resources.ts';
import { jobStatusEventSample } from '../../../unit/schemas/samples.ts';

export interface StatusTopic {
  /** The test run's namespace: the projector's default topics, groups and dead-letter topic. */
  names: TopologyNames;
  topic: string;
  kafka: KafkaClient;
  codec: Codec;
  binding: SubjectBinding<JobStatusEvent>;
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  message(event: JobStatusEvent): Promise<OutgoingMessage>;
}

/** A compacted status topic of its own, its subject, and a producer, all removed after the test. */
export async function statusTopic(t: TestContext): Promise<StatusTopic> {
  const admin = await kafkaAdmin(t);
  const { name: topic } = await createTestTopic(t, admin, {
    prefix: 'test-status',
    partitions: 3,
    configs: { 'cleanup.policy': 'compact', 'max.message.bytes': String(STATUS_MAX_MESSAGE_BYTES) },
  });
  const names = testNames();
  const binding: SubjectBinding<JobStatusEvent> = {
    subject: names.valueSubject(topic),
    contract: jobStatusEventContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  deleteSubjectAfter(t, binding.subject);
  const kafka = kafkaClient();
  const codec = createCodec({ registry: schemaRegistry() });
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  return {
    names,
    topic,
    kafka,
    codec,
    binding,
    send: (messages) => producer.send(topic, messages),
    message: (event) => codec.toMessage(binding, event.jobId, event),
  };
}

/** A view in a namespace of its own, cleared after the test. */
export function isolatedView(t: TestContext): StatusView {
  const { redis, keys } = redisClient(t);
  const view = createStatusView({ redis, keys: keys.status });
  onCleanup(t, () => view.clear());
  return view;
}

export const base = Date.now();

export interface Job {
  id: string;
  /** Orders the jobs' update times: a job with a higher index is newer. */
  index: number;
  batchId?: string;
  stage?: 'NOOP' | 'INDEXING';
}

/** Event `sequence` of `job`. */
export function statusEvent(job: Job, state: JobState, sequence: number): JobStatusEvent {
  const occurredAt = base + job.index * 100 + sequence;
  const terminal = state === 'SUCCESS' || state === 'FAILURE' || state === 'REVOKED';
  return {
    ...jobStatusEventSample,
    jobId: job.id,
    jobType: job.stage === 'INDEXING' ? 'INDEX_DOCUMENTS' : 'NOOP',
    stage: job.stage ?? 'NOOP',
    state,
    sequence,
    attempt: state === 'PENDING' ? 0 : 1,
    progress:
      state === 'PROGRESS'
        ? { current: sequence, total: 10, percent: sequence * 10, message: null, details: null }
        : null,
    result: state === 'SUCCESS' ? { 'sedano.NoopResult': { sleptMs: 10, spunMs: 0, payload: job.id } } : null,
    error:
      state === 'FAILURE' || state === 'RETRY'
        ? { code: 'SEDANO_ERR_TEST', type: 'Error', message: 'failed on purpose', retriable: state === 'RETRY' }
        : null,
    occurredAt,
    // Events after the start leave these out: the view keeps the first value.
    submittedAt: state === 'PENDING' || state === 'STARTED' ? base : null,
    startedAt: state === 'STARTED' ? occurredAt : null,
    finishedAt: terminal ? occurredAt : null,
    nextAttemptAt: null,
    batchId: job.batchId ?? null,
  };
}
