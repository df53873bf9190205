/**
 * Jobs: submit (`POST /v1/jobs`), read one with its progress estimate (`GET /v1/jobs/:id`),
 * list (`GET /v1/jobs`, newest first, by cursor) and revoke (`DELETE /v1/jobs/:id`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { jobStatusEventContract } from '../../../schemas/job-status-event.ts';
import { applyStatusEvent, TERMINAL_STATES, type JobView, type ListOptions } from '../../lib/status-view.ts';
import type { GatewayContext } from '../context.ts';
import { estimateProgress, type ProgressEstimate } from '../eta.ts';
import { stageSymbol } from '../topics.ts';
import type { Stage } from '../../../topology/topics.ts';
import { addToAccessLine } from '../access-log.ts';
import { apiError } from '../errors.ts';
import { revokeJob, revokeReason } from '../revoke.ts';
import {
  emptyBody,
  jobCountsQuery,
  jobCountsReplySchema,
  jobIdParams,
  jobListQuery,
  routeResponses,
  submissionReplySchema,
  submissionSchema,
} from '../schemas.ts';
import {
  checkIdempotencyKey,
  type SubmissionBody,
  repeatedSubmission,
  submitJob,
  toJobSubmission,
} from '../submissions.ts';
import { createSubmitEstimator } from '../submit-estimate.ts';
import { inServerSpan } from '../tracing.ts';

/** A job's progress as the API shows it: the view's, with its rate and ETA (eta.ts). */
export type ProgressReply = NonNullable<JobView['progress']> & ProgressEstimate;

/** A job as the API shows it: the view's fields in the view's order, then a link to its trace. */
export type JobReply = Omit<JobView, 'progress'> & { progress: ProgressReply | null; traceUrl: string | null };

/**
 * A job as the API shows it: the view, its progress estimate, and a link to its trace. Built
 * field by field rather than by spreading the view: a spread of a parsed view was the larger
 * part of this function's cost in `GET /v1/jobs/:id` (docs/benchmarks.md), and the declared
 * return type makes a field added to JobView a compile error here until the API shows it.
 */
export function jobReply(view: JobView, now: number, jaegerUiUrl: string | undefined): JobReply {
  const { progress } = view;
  const estimate = estimateProgress(view, now);
  return {
    jobId: view.jobId,
    jobType: view.jobType,
    stage: view.stage,
    state: view.state,
    sequence: view.sequence,
    attempt: view.attempt,
    progress:
      progress === null || estimate === undefined
        ? null
        : {
            current: progress.current,
            total: progress.total,
            percent: estimate.percent,
            message: progress.message,
            details: progress.details,
            ratePerSecond: estimate.ratePerSecond,
            etaMs: estimate.etaMs,
            etaAt: estimate.etaAt,
          },
    result: view.result,
    error: view.error,
    submittedAt: view.submittedAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    nextAttemptAt: view.nextAttemptAt,
    occurredAt: view.occurredAt,
    updatedAt: view.updatedAt,
    batchId: view.batchId,
    // A view stored before parents were shown has none.
    parentJobId: view.parentJobId ?? null,
    workerId: view.workerId,
    traceId: view.traceId,
    // A view stored before expiries has none: it never expires.
    expiresAt: view.expiresAt ?? null,
    payloadPreview: view.payloadPreview ?? null,
    traceUrl: jaegerUiUrl !== undefined && view.traceId !== null ? `${jaegerUiUrl}/trace/${view.traceId}` : null,
  };
}

/** A job of a list asked with `fields=summary` (pure): every field but its result. */
export function summaryReply({ result: _result, ...summary }: JobReply): Omit<JobReply, 'result'> {
  return summary;
}

/** 404 for `what` (a job, batch or dead letter); `why` says what else than a wrong id may explain it. */
export function notFound(what: string, id: string, why = 'or its result has expired') {
  return apiError('SEDANO_ERR_API_NOT_FOUND', `${what} ${id} is not known (${why})`);
}

/**
 * A job's view; for a batch's follow-up not submitted yet (its batch has not ended), the view of
 * the PENDING event its batch declared, so the id `POST /v1/batches` answers is a job from the
 * start (a Celery chord's callback is PENDING too). Undefined for a job the view does not know.
 */
export async function readJob(
  context: Pick<GatewayContext, 'view' | 'codec'>,
  jobId: string,
): Promise<JobView | undefined> {
  return (await context.view.get(jobId)) ?? declaredFollowUpView(context, jobId);
}

/** The view of the PENDING event a batch declared for its follow-up `jobId`; undefined for any other job. */
async function declaredFollowUpView(
  context: Pick<GatewayContext, 'view' | 'codec'>,
  jobId: string,
): Promise<JobView | undefined> {
  const declared = await context.view.declaredFollowUp(jobId);
  if (declared === undefined) return undefined;
  const { record } = await context.codec.decode(jobStatusEventContract, declared.followUp.pending);
  return applyStatusEvent(undefined, record).view;
}

/**
 * `readJob`, or SEDANO_ERR_API_NOT_FOUND. Every `GET /v1/jobs/:id` goes through it, so it reads
 * the view itself rather than through readJob, and chains with `then` rather than `await`: an
 * async function's await costs its own promise, closures and a microtask turn, about 500 bytes a
 * GET with the route's handler (docs/benchmarks.md, the thirtieth and thirty-second rounds).
 */
export function findJob(context: Pick<GatewayContext, 'view' | 'codec'>, jobId: string): Promise<JobView> {
  return context.view.get(jobId).then((view) => view ?? declaredFollowUpOrNotFound(context, jobId));
}

/** The view of a batch's declared follow-up `jobId`, or SEDANO_ERR_API_NOT_FOUND. */
async function declaredFollowUpOrNotFound(
  context: Pick<GatewayContext, 'view' | 'codec'>,
  jobId: string,
): Promise<JobView> {
  const view = await declaredFollowUpView(context, jobId);
  if (view === undefined) throw notFound('job', jobId);
  return view;
}

/** What the job routes use of the gateway's collaborators. */
export const JOB_ROUTE_NEEDS = [
  'view',
  'jobClient',
  'redis',
  'keys',
  'metrics',
  'jaegerUiUrl',
  'now',
  'admin',
  'topics',
  'workers',
  'producer',
  'codec',
  'revocations',
] as const satisfies readonly (keyof GatewayContext)[];

/** The job routes, a fastify plugin given only what they use. */
export const jobRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof JOB_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  const estimator = createSubmitEstimator(context);
  app.post<{ Body: SubmissionBody }>(
    '/v1/jobs',
    {
      config: { scope: 'submit' },
      schema: {
        summary: 'Submit a job of any stage',
        description:
          'Produces the request and its PENDING status; answers 202 with the job id, its status URL and, ' +
          'when one can be made, an `estimate` of when it starts and ends (null otherwise). ' +
          "`countdownMs` or `notBefore` delays the job (Celery's countdown and eta): it waits on a delay topic, " +
          "PENDING with `nextAttemptAt` its due time, and the reply's `notBefore` says when. " +
          "`expiresInMs` or `expiresAt` makes it expire (Celery's expires): no attempt, first or retry, starts after it, " +
          'and the job ends REVOKED with SEDANO_ERR_JOB_EXPIRED instead; the reply echoes `expiresAt`. ' +
          'An `Idempotency-Key` header makes a repeated submission return the same job.',
        tags: ['jobs'],
        body: submissionSchema({ batchIdAllowed: true }),
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: routeResponses(
          { 202: { description: 'Accepted: the job, its status URL and an estimate', schema: submissionReplySchema } },
          { body: true, codes: ['SEDANO_ERR_API_CONFLICT', 'SEDANO_ERR_JOB_INVALID_REQUEST'] },
        ),
      },
    },
    async (request, reply) => {
      const key = checkIdempotencyKey(request.headers['idempotency-key']);
      // A repeat gets its job before the body is judged (repeatedSubmission says why).
      let submitted = key === undefined ? null : await repeatedSubmission(context, key, request.body.stage);
      if (submitted === null) {
        const submission = toJobSubmission(request.body, {
          submitter: request.principal?.name ?? 'gateway',
          now: context.now(),
          idempotencyKey: key,
        });
        submitted = await inServerSpan(request, async (traceId) => {
          const job = await submitJob(context, submission);
          addToAccessLine(request, { traceId });
          return job;
        });
      }
      addToAccessLine(request, { jobId: submitted.jobId, stage: submitted.stage, created: submitted.created });
      context.metrics.submitted(submitted.stage);
      // A repeated submission's job was queued earlier, and may have ended: its status says more.
      const delayMs = Math.max(0, (submitted.notBefore ?? 0) - context.now());
      const estimate = submitted.created
        ? ((await estimator.estimate(submitted.stage, submitted.priority, delayMs)) ?? null)
        : null;
      return reply.code(202).send({ ...submitted, estimate });
    },
  );

  app.get<{
    Querystring: Omit<ListOptions, 'limit' | 'stage' | 'search'> & {
      limit?: number;
      stage?: Stage | 'maintenance';
      q?: string;
      fields?: 'all' | 'summary';
    };
  }>(
    '/v1/jobs',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'List jobs, most recently updated first',
        tags: ['jobs'],
        querystring: jobListQuery,
        response: routeResponses(
          { 200: { description: 'A page of jobs and the cursor of the next one' } },
          { codes: ['SEDANO_ERR_API_INVALID_CURSOR'] },
        ),
      },
    },
    async (request) => {
      const { stage, limit, fields, q, ...filters } = request.query;
      // The API names stages as topology/ does (`noop`); the view as the status events do (`NOOP`).
      const page = await context.view.list({
        ...filters,
        ...(stage === undefined ? {} : { stage: stageSymbol(stage) }),
        ...(q === undefined ? {} : { search: q }),
        limit: limit ?? 50,
        withResults: fields !== 'summary',
      });
      const now = context.now();
      const reply = (view: JobView) => jobReply(view, now, context.jaegerUiUrl);
      const jobs = fields === 'summary' ? page.jobs.map((view) => summaryReply(reply(view))) : page.jobs.map(reply);
      return { jobs, nextCursor: page.nextCursor };
    },
  );

  app.get<{ Querystring: { sinceMs?: number; stage?: Stage | 'maintenance' } }>(
    '/v1/jobs/counts',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Jobs per state whose status changed in the last `sinceMs` (default one minute)',
        description:
          "Counted in the status view's indexes, not by listing jobs: SUCCESS and FAILURE are the jobs that " +
          "ended in the window (the dashboard's jobs per minute). `stage` counts one stage's jobs only.",
        tags: ['jobs'],
        querystring: jobCountsQuery,
        response: routeResponses({ 200: { description: 'Counts per state', schema: jobCountsReplySchema } }),
      },
    },
    async (request) => {
      const { sinceMs = 60_000, stage } = request.query;
      const since = context.now() - sinceMs;
      const { counts, truncated } = await context.view.countChangedSince(
        since,
        stage === undefined ? undefined : stageSymbol(stage),
      );
      return { stage: stage ?? null, sinceMs, since, counts, truncated };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'A job: state, progress and ETA, result or error',
        description:
          "`payloadPreview` is what the job was asked to do (Flower's args): its request without the header, as JSON, " +
          'with credential-like fields, URL users and credential query parameters redacted, cut at 1,024 characters ' +
          '(a cut one ends in an ellipsis); null when no event of the job carried one.',
        tags: ['jobs'],
        params: jobIdParams,
        response: routeResponses(
          { 200: { description: 'The job as the status view shows it' } },
          { codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    // A `then` rather than an async handler: findJob says why.
    (request) => findJob(context, request.params.id).then((view) => jobReply(view, context.now(), context.jaegerUiUrl)),
  );

  app.delete<{ Params: { id: string }; Body: { reason?: string } | null }>(
    '/v1/jobs/:id',
    {
      config: { scope: 'submit' },
      schema: {
        summary: 'Revoke a job',
        description: 'Queued jobs never start; a running job is aborted. 409 if the job already ended otherwise.',
        tags: ['jobs'],
        params: jobIdParams,
        body: emptyBody,
        response: routeResponses(
          { 202: { description: 'Accepted: the revocation is on its way' } },
          { body: true, codes: ['SEDANO_ERR_API_NOT_FOUND', 'SEDANO_ERR_API_CONFLICT'] },
        ),
      },
    },
    async (request, reply) => {
      const view = await findJob(context, request.params.id);
      if (TERMINAL_STATES.has(view.state) && view.state !== 'REVOKED') {
        throw apiError('SEDANO_ERR_API_CONFLICT', `job ${view.jobId} already ended with ${view.state}`);
      }
      if (view.state !== 'REVOKED') {
        const requester = request.principal?.name ?? 'gateway';
        await revokeJob(context, view, revokeReason(requester, request.body?.reason), requester);
        request.log.info({ jobId: view.jobId, traceId: view.traceId, requester }, 'job revoked');
      }
      return reply.code(202).send({ jobId: view.jobId, state: 'REVOKED', statusUrl: `/v1/jobs/${view.jobId}` });
    },
  );
};
