/**
 * Turning an API submission into a job (pure parts) and submitting it with an optional
 * idempotency key (Redis). The key maps to a name-based job id (job-ids.ts), and a Redis
 * claim (SET NX) makes a repeated submission return the first job without producing it again,
 * also when the first one is still on its way to the status view.
 */
import type { Redis } from 'ioredis';
import type { RetryPolicy } from '../../schemas/retry-policy.ts';
import type { Priority } from '../../schemas/priority.ts';
import type { Stage } from '../../topology/topics.ts';
import type { JobClient, JobSubmission, StagePayload, SubmitOptions, SubmittedJob } from '../lib/job-client.ts';
import { jobIdForKey } from '../lib/job-ids.ts';
import { LEDGER_TTL_SECONDS } from '../lib/runtime/job-ledger.ts';
import { invalidRequestError, requestRuleViolations, type RuleViolation } from '../lib/request-rules.ts';
import { fillDefaults, type JsonSchema } from './avro-json-schema.ts';
import { apiError } from './errors.ts';
import { LATEST_DATE_MS, OPTION_SCHEMAS, PAYLOAD_SCHEMAS } from './schemas.ts';
import { MAX_DELAY_MS } from '../../topology/stages.ts';
import type { RedisKeys } from '../../topology/redis-keys.ts';

/** A job as the API receives it (already validated against `submissionSchema`). */
export interface SubmissionBody {
  stage: Stage;
  payload: Record<string, unknown>;
  priority?: Priority;
  batchId?: string;
  parentJobId?: string;
  retryPolicy?: RetryPolicy | null;
  softTimeLimitMs?: number | null;
  hardTimeLimitMs?: number | null;
  /** Start no sooner than this many ms after submission (Celery's countdown); null: at once. */
  countdownMs?: number | null;
  /** Start no sooner than this time, ms since the epoch (Celery's eta); null: at once. */
  notBefore?: number | null;
  /** No attempt starts later than this many ms after submission (Celery's expires); null: never expires. */
  expiresInMs?: number | null;
  /** No attempt starts later than this time, ms since the epoch (Celery's expires); null: never expires. */
  expiresAt?: number | null;
}

/** What the API answers for a submitted job. */
export interface SubmissionReply {
  jobId: string;
  stage: Stage;
  priority: Priority;
  batchId: string | null;
  statusUrl: string;
  eventsUrl: string;
  /** False when an earlier submission with the same Idempotency-Key made this job. */
  created: boolean;
  /** A delayed job's due time, ms since the epoch; null when it may start at once. */
  notBefore: number | null;
  /** When the job expires (no attempt starts after it), ms since the epoch; null: never. */
  expiresAt: number | null;
}

/** Where a submission comes from and when, for `toJobSubmission`. */
export interface SubmissionContext {
  submitter: string;
  /** The time the submission is judged at (its delay counts from it), ms since the epoch. */
  now: number;
  idempotencyKey?: string | undefined;
  /** The body's path in the request, for the error details (e.g. `/jobs/3` in a batch). */
  pathPrefix?: string;
  /** The job cannot start before this (a batch's follow-up: its children's latest due time). */
  startsNoSoonerThan?: number;
}

/**
 * A submission body as the job client takes it, defaults filled in, a countdown turned into its
 * due time and an `expiresInMs` into its expiry (pure); throws SEDANO_ERR_JOB_INVALID_REQUEST
 * (400) naming each field that breaks a rule of its stage (request-rules.ts), of the delay or of
 * the expiry, its path under `pathPrefix`.
 */
export function toJobSubmission(body: SubmissionBody, context: SubmissionContext): JobSubmission {
  const { submission, violations } = checkedSubmission(body, context);
  if (violations.length > 0) throw invalidRequestError(violations);
  return submission;
}

/**
 * A batch's jobs and follow-up as the job client takes them (pure); throws one
 * SEDANO_ERR_JOB_INVALID_REQUEST naming every bad field of every job (`/jobs/3/...`, `/followUp/...`).
 */
export function toBatchSubmissions(
  body: { jobs: SubmissionBody[]; followUp?: SubmissionBody | undefined },
  context: Omit<SubmissionContext, 'pathPrefix' | 'idempotencyKey'>,
): { jobs: JobSubmission[]; followUp: JobSubmission | undefined } {
  const jobs = body.jobs.map((job, i) => checkedSubmission(job, { ...context, pathPrefix: `/jobs/${i}` }));
  // The follow-up starts once every child has ended, so no sooner than the last one is due.
  const childrenDue = Math.max(context.now, ...jobs.map(({ submission }) => submission.options?.notBefore ?? 0));
  const followUp =
    body.followUp &&
    checkedSubmission(body.followUp, { ...context, pathPrefix: '/followUp', startsNoSoonerThan: childrenDue });
  const violations = [...jobs, ...(followUp ? [followUp] : [])].flatMap((checked) => checked.violations);
  if (violations.length > 0) throw invalidRequestError(violations);
  return { jobs: jobs.map((checked) => checked.submission), followUp: followUp?.submission };
}

/** A submission and the rules it breaks, their paths under `pathPrefix` (pure). */
function checkedSubmission(
  body: SubmissionBody,
  { submitter, now, idempotencyKey, pathPrefix = '', startsNoSoonerThan = now }: SubmissionContext,
): { submission: JobSubmission; violations: RuleViolation[] } {
  const options: SubmitOptions = { submitter };
  if (body.priority !== undefined) options.priority = body.priority;
  if (body.batchId !== undefined) options.batchId = body.batchId;
  if (body.parentJobId !== undefined) options.parentJobId = body.parentJobId;
  if (body.retryPolicy != null) {
    options.retryPolicy = fillDefaults(OPTION_SCHEMAS['retryPolicy'] as JsonSchema, body.retryPolicy) as RetryPolicy;
  }
  if (body.softTimeLimitMs != null) options.softTimeLimitMs = body.softTimeLimitMs;
  if (body.hardTimeLimitMs != null) options.hardTimeLimitMs = body.hardTimeLimitMs;
  if (idempotencyKey !== undefined) options.idempotencyKey = idempotencyKey;
  const payload = fillDefaults(PAYLOAD_SCHEMAS[body.stage], body.payload) as StagePayload<Stage>;
  const notBefore = body.countdownMs != null ? now + body.countdownMs : body.notBefore;
  if (notBefore != null && notBefore > now) options.notBefore = notBefore;
  const expiresAt = body.expiresInMs != null ? now + body.expiresInMs : body.expiresAt;
  if (expiresAt != null) options.expiresAt = expiresAt;
  const violations = [
    ...requestRuleViolations(body.stage, payload, options),
    ...delayViolations(body, now),
    ...expiryViolations(body, expiresAt ?? null, Math.max(options.notBefore ?? now, startsNoSoonerThan)),
  ].map(({ path, message }) => ({ path: `${pathPrefix}${path}`, message }));
  return { submission: { stage: body.stage, payload, options }, violations };
}

/** A time in ms since the epoch as ISO 8601 (UTC), or the number itself past the dates JavaScript can hold. */
function isoTime(ms: number): string {
  return Math.abs(ms) <= LATEST_DATE_MS ? new Date(ms).toISOString() : String(ms);
}

/** A countdown and a due time together, or a due time beyond the longest delay (pure). */
function delayViolations(body: SubmissionBody, now: number): RuleViolation[] {
  if (body.countdownMs != null && body.notBefore != null) {
    return [{ path: '/notBefore', message: 'give countdownMs or notBefore, not both' }];
  }
  if (body.notBefore != null && body.notBefore - now > MAX_DELAY_MS) {
    const [latest, due] = [isoTime(now + MAX_DELAY_MS), isoTime(body.notBefore)];
    return [{ path: '/notBefore', message: `at most 30 days ahead (${latest}), got ${due}` }];
  }
  return [];
}

/**
 * Both expiry fields, or an expiry not after the time the job may first start (pure): such a job
 * could never run, so it is refused rather than accepted to be REVOKED at once.
 */
function expiryViolations(body: SubmissionBody, expiresAt: number | null, dueAt: number): RuleViolation[] {
  if (body.expiresInMs != null && body.expiresAt != null) {
    return [{ path: '/expiresAt', message: 'give expiresInMs or expiresAt, not both' }];
  }
  const path = body.expiresInMs != null ? '/expiresInMs' : '/expiresAt';
  if (expiresAt !== null && expiresAt > LATEST_DATE_MS) {
    return [{ path, message: `must end by ${LATEST_DATE_MS} (the latest time a date can hold), got ${expiresAt}` }];
  }
  if (expiresAt !== null && expiresAt <= dueAt) {
    const [due, expiry] = [isoTime(dueAt), isoTime(expiresAt)];
    return [{ path, message: `must be after the time the job may start (${due}); it would expire at ${expiry}` }];
  }
  return [];
}

export function submissionReply(
  job: Pick<SubmittedJob, 'jobId' | 'stage' | 'priority' | 'batchId' | 'notBefore' | 'expiresAt'>,
  created: boolean,
) {
  return {
    jobId: job.jobId,
    stage: job.stage,
    priority: job.priority,
    batchId: job.batchId,
    statusUrl: `/v1/jobs/${job.jobId}`,
    eventsUrl: `/v1/jobs/${job.jobId}/events`,
    created,
    notBefore: job.notBefore,
    expiresAt: job.expiresAt,
  } satisfies SubmissionReply;
}

/** Idempotency keys: printable ASCII, at most 200 characters. */
export function checkIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !/^[\x20-\x7e]{1,200}$/.test(value)) {
    throw apiError('SEDANO_ERR_API_BAD_REQUEST', 'Idempotency-Key: one value of 1 to 200 printable ASCII characters');
  }
  return value;
}

interface Claim {
  stage: Stage;
  priority: Priority;
  batchId: string | null;
  notBefore: number | null;
  expiresAt: number | null;
}

/**
 * How long an idempotency key is remembered: as long as the workers' ledger remembers its job
 * ended. A key forgotten sooner would submit its job (the same id) again, and the workers would
 * skip it as already ended, without an event: it would stay PENDING.
 */
const IDEMPOTENCY_TTL_SECONDS = LEDGER_TTL_SECONDS;

type IdempotencyStores = { redis: Redis; keys: Pick<RedisKeys, 'idempotency'> };

/**
 * The reply to a repeated submission, when an earlier one claimed `key` (a 409 when for
 * another stage); null when the key is free. A route asks this before it judges the body: the
 * first submission's delay and expiry were judged at its own time, and a client retrying a
 * while later must get its job, not a 400.
 */
export async function repeatedSubmission(
  { redis, keys }: IdempotencyStores,
  key: string,
  stage: Stage,
): Promise<SubmissionReply | null> {
  const jobId = jobIdForKey(key);
  const stored = await redis.get(keys.idempotency(jobId));
  return stored === null ? null : earlierReply(jobId, stored, stage);
}

/** The reply naming the job an earlier claim made (pure); a 409 when it was for another stage. */
function earlierReply(jobId: string, stored: string, stage: Stage): SubmissionReply {
  // A claim stored before delays and expiries existed has neither: it had none.
  const claim = JSON.parse(stored) as Partial<Claim> & Omit<Claim, 'notBefore' | 'expiresAt'>;
  if (claim.stage !== stage) {
    throw apiError(
      'SEDANO_ERR_API_CONFLICT',
      `Idempotency-Key already names job ${jobId} of stage ${claim.stage}, not ${stage}`,
    );
  }
  return submissionReply(
    { jobId, ...claim, notBefore: claim.notBefore ?? null, expiresAt: claim.expiresAt ?? null },
    false,
  );
}

/** Submits one job; with a key, the same key gives back the same job (202 both times). */
export async function submitJob(
  { jobClient, redis, keys }: { jobClient: JobClient } & IdempotencyStores,
  submission: JobSubmission,
): Promise<SubmissionReply> {
  const key = submission.options?.idempotencyKey;
  if (key === undefined)
    return submissionReply(await jobClient.submit(submission.stage, submission.payload, submission.options), true);
  const jobId = jobIdForKey(key);
  const claimKey = keys.idempotency(jobId);
  const claim: Claim = {
    stage: submission.stage,
    priority: submission.options?.priority ?? 'NORMAL',
    batchId: submission.options?.batchId ?? null,
    notBefore: submission.options?.notBefore ?? null,
    expiresAt: submission.options?.expiresAt ?? null,
  };
  const claimed = await redis.set(claimKey, JSON.stringify(claim), 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
  if (claimed !== 'OK') {
    // Claimed between the route's look and this one: the same answer as a repeat.
    return earlierReply(jobId, (await redis.get(claimKey)) ?? JSON.stringify(claim), submission.stage);
  }
  try {
    return submissionReply(await jobClient.submit(submission.stage, submission.payload, submission.options), true);
  } catch (error) {
    // Nothing was produced (or not all of it): the key is free for the client's next try.
    await redis.del(claimKey);
    throw error;
  }
}
