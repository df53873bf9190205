/**
 * The typed client upstream Node services use to submit jobs: `submit` and `submitBatch`.
 *
 * A job is its request record, produced to its stage's lane topic (keyed by job id, trace
 * context in the headers), then its PENDING status event. The request goes first: if the
 * status cannot be written the job still runs and reports STARTED, whereas a PENDING without
 * its request would be a job that never runs.
 *
 * A delayed job (`notBefore` in the future: Celery's countdown and eta) goes to the stage's
 * delay topic for its delay, the one retries wait on, with its due time and lane in Kafka
 * headers; the stage's retry forwarder moves it to its lane when due (runtime/retry-forwarder.ts).
 * Its PENDING carries the due time as `nextAttemptAt`.
 *
 * A batch is declared on the batches topic before its children are produced: its size and,
 * optionally, a follow-up job encoded in full, which the status projector produces once every
 * child has ended (services/status-projector/follow-up.ts). Declared first, so a projector never
 * sees all the children of a batch end without knowing it was meant to have a follow-up.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type { BatchDeclaration } from '../../schemas/batch-declaration.ts';
import type { FollowUpJob } from '../../schemas/follow-up-job.ts';
import type { JobHeader } from '../../schemas/job-header.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { Priority } from '../../schemas/priority.ts';
import type { RetryPolicy } from '../../schemas/retry-policy.ts';
import type { Stage as StageSymbol } from '../../schemas/stage.ts';
import { contractBindings, JOB_TYPES, type StageRequests } from '../../topology/contracts.ts';
import type { TopologyNames } from '../../topology/names.ts';
import type { Lane, Stage } from '../../topology/stages.ts';
import type { Codec } from './codec.ts';
import { followUpKey, jobIdForKey, newJobId } from './job-ids.ts';
import type { KafkaProducer, OutgoingMessage } from './kafka.ts';
import { payloadPreview } from './payload-preview.ts';
import { produceBatcherFor } from './produce-batcher.ts';
import { DUE_AT_HEADER, NOT_BEFORE_HEADER, RETURN_TOPIC_HEADER } from './runtime/headers.ts';
import { retryTier } from './runtime/retry-policy.ts';

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
  /** When the job may start, ms since the epoch; a time not in the future starts it at once. */
  notBefore?: number;
  /** After this time (ms since the epoch) no attempt starts: it ends REVOKED, SEDANO_ERR_JOB_EXPIRED. */
  expiresAt?: number;
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
  /** The topic the request was produced to: its lane, or a delay topic for a delayed job. */
  topic: string;
  batchId: string | null;
  /** A delayed job's due time, ms since the epoch; null for a job that may start at once. */
  notBefore: number | null;
  /** When the job expires (its header's `expiresAt`), ms since the epoch; null: never. */
  expiresAt: number | null;
}

export interface BatchOptions {
  /** The batch id (default a new one). */
  batchId?: string;
  /**
   * A job submitted exactly once when every child has ended, whatever their outcome (a chord's
   * callback). Its idempotency key is `batch:<batchId>:follow-up`, so its id is always the same
   * for one batch; it is not a child of the batch (its batchId and parentJobId are null), so its
   * own options may not set batchId, parentJobId or idempotencyKey.
   */
  followUp?: JobSubmission;
}

export interface SubmittedBatch {
  batchId: string;
  jobs: SubmittedJob[];
  /** Id of the follow-up job, or null when the batch has none. */
  followUpJobId: string | null;
}

export interface JobClient {
  submit<S extends Stage>(stage: S, payload: StagePayload<S>, options?: SubmitOptions): Promise<SubmittedJob>;
  /**
   * Declares a batch (on the batches topic), then submits every job with its batch id (a new one,
   * or the one given); returns it with the jobs and the follow-up's id. A batch has at least one job.
   */
  submitBatch(jobs: readonly JobSubmission[], options?: BatchOptions): Promise<SubmittedBatch>;
}

export interface JobClientOptions {
  producer: KafkaProducer;
  codec: Codec;
  /** The namespace's topics and subjects that jobs are submitted to. */
  names: TopologyNames;
  /** Default `submitter` of the jobs this client submits. */
  submitter: string;
  now?: () => number;
}

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
    expiresAt: options.expiresAt ?? null,
  };
}

/** The follow-up's options, with what makes it the batch's follow-up (pure); throws on a conflicting option. */
export function followUpOptions(batchId: string, options: SubmitOptions = {}): SubmitOptions {
  for (const name of ['batchId', 'parentJobId', 'idempotencyKey'] as const) {
    if (options[name] !== undefined) {
      throw new RangeError(`a batch follow-up's ${name} is set by the batch; got "${options[name]}"`);
    }
  }
  return { ...options, idempotencyKey: followUpKey(batchId) };
}

/** The declaration of a batch of `size` jobs (pure); `followUp` is its prepared follow-up, if any. */
export function batchDeclaration(
  batch: Pick<BatchDeclaration, 'batchId' | 'size' | 'submittedAt' | 'submitter'>,
  followUp: { job: SubmittedJob; request: OutgoingMessage; pending: OutgoingMessage } | undefined,
): BatchDeclaration {
  if (followUp === undefined) return { ...batch, followUp: null };
  const { job, request, pending } = followUp;
  if (request.value === null || pending.value === null) {
    throw new TypeError('a follow-up is encoded before it is declared');
  }
  const encoded: FollowUpJob = {
    jobId: job.jobId,
    stage: job.stage,
    topic: job.topic,
    request: request.value,
    requestHeaders: Object.entries(request.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value) })),
    pending: pending.value,
  };
  return { ...batch, followUp: encoded };
}

/** The PENDING event of a job that was just submitted (pure); a delayed job's says when it is due. */
export function pendingEvent(
  stage: Stage,
  header: JobHeader,
  traceId: string | null,
  notBefore: number | null = null,
  preview: string | null = null,
): JobStatusEvent {
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
    nextAttemptAt: notBefore,
    batchId: header.batchId,
    parentJobId: header.parentJobId,
    workerId: null,
    traceId,
    expiresAt: header.expiresAt,
    payloadPreview: preview,
  };
}

/** A request on a delay topic: its due time and lane in the headers the retry forwarder reads (pure). */
export function delayedRequest(request: OutgoingMessage, lane: string, notBefore: number): OutgoingMessage {
  const due = String(notBefore);
  return {
    ...request,
    headers: { ...request.headers, [DUE_AT_HEADER]: due, [RETURN_TOPIC_HEADER]: lane, [NOT_BEFORE_HEADER]: due },
  };
}

export function createJobClient({ producer, codec, names, submitter, now = Date.now }: JobClientOptions): JobClient {
  const tracer = trace.getTracer('sedano');
  const bindings = contractBindings(names);

  async function prepare(submission: JobSubmission): Promise<PreparedJob> {
    const { stage, payload, options = {} } = submission;
    const header = jobHeader(stage, options, submitter, now());
    const lane = names.jobTopic(stage, LANES[header.priority]);
    const notBefore =
      options.notBefore !== undefined && options.notBefore > header.submittedAt ? options.notBefore : null;
    const topic = notBefore === null ? lane : names.retryTopic(stage, retryTier(notBefore - header.submittedAt));
    return tracer.startActiveSpan(`${topic} publish`, { kind: SpanKind.PRODUCER }, async (span) => {
      try {
        span.setAttribute('sedano.job_id', header.jobId);
        const traceId = span.spanContext().traceId;
        // Encoded for its lane, where it runs: a delay topic carries its lane's records unchanged.
        const binding = bindings.request(stage, LANES[header.priority]);
        const record = { ...payload, header } as StageRequests[typeof stage];
        const request = await codec.toMessage(binding, header.jobId, record);
        return {
          job: {
            jobId: header.jobId,
            stage,
            priority: header.priority,
            topic,
            batchId: header.batchId,
            notBefore,
            expiresAt: header.expiresAt,
          },
          request: notBefore === null ? request : delayedRequest(request, lane, notBefore),
          pending: await codec.toMessage(
            bindings.status,
            header.jobId,
            pendingEvent(stage, header, traceId, notBefore, payloadPreview(record)),
          ),
        };
      } finally {
        span.end();
      }
    });
  }

  // Requests and their PENDING events share produce requests with every other submission.
  const batcher = produceBatcherFor(producer);

  async function produce(prepared: readonly PreparedJob[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const { job, request } of prepared) byTopic.set(job.topic, [...(byTopic.get(job.topic) ?? []), request]);
    // Queued together: the requests and the PENDING events go out in one produce request.
    await Promise.all([
      ...[...byTopic].map(([topic, messages]) => batcher.send(topic, messages)),
      batcher.send(
        names.statusTopic,
        prepared.map(({ pending }) => pending),
      ),
    ]);
  }

  return {
    async submit(stage, payload, options) {
      const prepared = await prepare({ stage, payload, options });
      await produce([prepared]);
      return prepared.job;
    },

    async submitBatch(jobs, options = {}) {
      if (jobs.length === 0) throw new RangeError('a batch needs at least one job');
      const batchId = options.batchId ?? newJobId();
      const { followUp } = options;
      // Every record is encoded (and validated) before anything is produced: a bad job fails the whole batch.
      const prepared = await Promise.all(jobs.map((job) => prepare({ ...job, options: { ...job.options, batchId } })));
      const preparedFollowUp =
        followUp && (await prepare({ ...followUp, options: followUpOptions(batchId, followUp.options) }));
      const declaration = batchDeclaration(
        { batchId, size: jobs.length, submittedAt: now(), submitter },
        preparedFollowUp,
      );
      await producer.send(names.batchesTopic, [await codec.toMessage(bindings.batchDeclaration, batchId, declaration)]);
      await produce(prepared);
      return { batchId, jobs: prepared.map(({ job }) => job), followUpJobId: preparedFollowUp?.job.jobId ?? null };
    },
  };
}
