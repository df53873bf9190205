/**
 * The typed client upstream Node services use to submit jobs: `submit` and `submitBatch`.
 *
 * A job is its request record, produced to its stage's lane topic (keyed by job id, trace
 * context in the headers), then its PENDING status event. The request goes first: if the
 * status cannot be written the job still runs and reports STARTED, whereas a PENDING without
 * its request would be a job that never runs.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type { JobHeader } from '../../schemas/job-header.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { JobType } from '../../schemas/job-type.ts';
import type { Priority } from '../../schemas/priority.ts';
import type { RetryPolicy } from '../../schemas/retry-policy.ts';
import type { Stage as StageSymbol } from '../../schemas/stage.ts';
import { requestBinding, type StageRequests, statusBinding } from '../../topology/contracts.ts';
import { jobTopic, type Lane, type Stage, STATUS_TOPIC } from '../../topology/topics.ts';
import type { Codec } from './codec.ts';
import { jobIdForKey, newJobId } from './job-ids.ts';
import type { KafkaProducer, OutgoingMessage } from './kafka.ts';

/** A stage's request without its header, which the client fills in. */
export type StagePayload<S extends Stage> = Omit<StageRequests[S], 'header'>;

export interface SubmitOptions {
  /** Lane: HIGH jobs overtake a backlog of NORMAL and LOW ones (default NORMAL). */
  priority?: Priority;
  batchId?: string;
  parentJobId?: string;
  /** The same key always gives the same job id, so a repeated submission is the same job. */
  idempotencyKey?: string;
  /** Who submits (default: the client's). */
  submitter?: string;
  retryPolicy?: RetryPolicy;
  softTimeLimitMs?: number;
  hardTimeLimitMs?: number;
}

export interface JobSubmission<S extends Stage = Stage> {
  stage: S;
  payload: StagePayload<S>;
  options?: SubmitOptions;
}

export interface SubmittedJob {
  jobId: string;
  stage: Stage;
  priority: Priority;
  /** The topic the request was produced to. */
  topic: string;
  batchId: string | null;
}

export interface JobClient {
  submit<S extends Stage>(stage: S, payload: StagePayload<S>, options?: SubmitOptions): Promise<SubmittedJob>;
  /** Submits every job with one new batch id (or the one given); returns it with the jobs. */
  submitBatch(
    jobs: readonly JobSubmission[],
    options?: { batchId?: string },
  ): Promise<{ batchId: string; jobs: SubmittedJob[] }>;
}

export interface JobClientOptions {
  producer: KafkaProducer;
  codec: Codec;
  /** Default `submitter` of the jobs this client submits. */
  submitter: string;
  now?: () => number;
}

export const JOB_TYPES: Record<Stage, JobType> = {
  indexing: 'INDEX_DOCUMENTS',
  analysis: 'ANALYZE_DOCUMENTS',
  training: 'TRAIN_MODEL',
  export: 'EXPORT_REPORT',
  noop: 'NOOP',
};

const LANES: Record<Priority, Lane> = { HIGH: 'high', NORMAL: 'normal', LOW: 'low' };

interface PreparedJob {
  job: SubmittedJob;
  request: OutgoingMessage;
  pending: OutgoingMessage;
}

/** The header of a new job (pure). */
export function jobHeader(stage: Stage, options: SubmitOptions, submitter: string, submittedAt: number): JobHeader {
  return {
    jobId: options.idempotencyKey !== undefined ? jobIdForKey(options.idempotencyKey) : newJobId(),
    jobType: JOB_TYPES[stage],
    priority: options.priority ?? 'NORMAL',
    batchId: options.batchId ?? null,
    parentJobId: options.parentJobId ?? null,
    idempotencyKey: options.idempotencyKey ?? null,
    submittedAt,
    submitter: options.submitter ?? submitter,
    retryPolicy: options.retryPolicy ?? null,
    softTimeLimitMs: options.softTimeLimitMs ?? null,
    hardTimeLimitMs: options.hardTimeLimitMs ?? null,
  };
}

/** The PENDING event of a job that was just submitted (pure). */
export function pendingEvent(stage: Stage, header: JobHeader, traceId: string | null): JobStatusEvent {
  return {
    jobId: header.jobId,
    jobType: header.jobType,
    stage: stage.toUpperCase() as StageSymbol,
    state: 'PENDING',
    sequence: 0,
    attempt: 0,
    progress: null,
    result: null,
    error: null,
    occurredAt: header.submittedAt,
    submittedAt: header.submittedAt,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    batchId: header.batchId,
    workerId: null,
    traceId,
  };
}

export function createJobClient({ producer, codec, submitter, now = Date.now }: JobClientOptions): JobClient {
  const tracer = trace.getTracer('sedano');

  async function prepare(submission: JobSubmission): Promise<PreparedJob> {
    const { stage, payload, options = {} } = submission;
    const header = jobHeader(stage, options, submitter, now());
    const topic = jobTopic(stage, LANES[header.priority]);
    return tracer.startActiveSpan(`${topic} publish`, { kind: SpanKind.PRODUCER }, async (span) => {
      try {
        span.setAttribute('sedano.job_id', header.jobId);
        const traceId = span.spanContext().traceId;
        const binding = requestBinding(stage, LANES[header.priority]);
        return {
          job: { jobId: header.jobId, stage, priority: header.priority, topic, batchId: header.batchId },
          request: await codec.toMessage(binding, header.jobId, { ...payload, header } as StageRequests[typeof stage]),
          pending: await codec.toMessage(statusBinding, header.jobId, pendingEvent(stage, header, traceId)),
        };
      } finally {
        span.end();
      }
    });
  }

  async function produce(prepared: readonly PreparedJob[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const { job, request } of prepared) byTopic.set(job.topic, [...(byTopic.get(job.topic) ?? []), request]);
    for (const [topic, messages] of byTopic) await producer.send(topic, messages);
    await producer.send(
      STATUS_TOPIC,
      prepared.map(({ pending }) => pending),
    );
  }

  return {
    async submit(stage, payload, options) {
      const prepared = await prepare({ stage, payload, options });
      await produce([prepared]);
      return prepared.job;
    },

    async submitBatch(jobs, options = {}) {
      const batchId = options.batchId ?? newJobId();
      // Every record is encoded (and validated) before anything is produced: a bad job fails the whole batch.
      const prepared = await Promise.all(jobs.map((job) => prepare({ ...job, options: { ...job.options, batchId } })));
      await produce(prepared);
      return { batchId, jobs: prepared.map(({ job }) => job) };
    },
  };
}
