/**
 * Batches: `POST /v1/batches` submits many jobs under one batch id (every job is validated
 * and encoded before anything is produced), optionally with a follow-up job that the status
 * projector submits once every child has ended (services/status-projector/follow-up.ts);
 * `GET /v1/batches/:id` their counts per state, progress and overall state (batch-view.ts);
 * `DELETE /v1/batches/:id` revokes every job of the batch not ended yet, and its follow-up. A
 * `batchId` is declared once (batch-declarations.ts): an exact repeat gets the first answer,
 * another declaration of the id a 409.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { batchFingerprint, declareBatchOnce, type DeclaredBatch } from '../batch-declarations.ts';
import { addToAccessLine } from '../access-log.ts';
import { apiError } from '../errors.ts';
import { inServerSpan } from '../tracing.ts';
import { revokeBatch, revokeReason } from '../revoke.ts';
import { batchBody, batchIdParams, emptyBody, routeResponses } from '../schemas.ts';
import type { JobView } from '../../lib/status-view.ts';
import { type SubmissionBody, submissionReply, toBatchSubmissions } from '../submissions.ts';
import { notFound } from './jobs.ts';

interface BatchBody {
  jobs: SubmissionBody[];
  batchId?: string;
  followUp?: SubmissionBody;
}

/** What the batch routes use of the gateway's collaborators. */
export const BATCH_ROUTE_NEEDS = [
  'jobClient',
  'redis',
  'keys',
  'metrics',
  'view',
  'now',
  'producer',
  'codec',
  'topics',
  'revocations',
] as const satisfies readonly (keyof GatewayContext)[];

/** The batch routes, a fastify plugin given only what they use. */
export const batchRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof BATCH_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  app.post<{ Body: BatchBody }>(
    '/v1/batches',
    {
      config: { scope: 'submit' },
      schema: {
        summary: 'Submit many jobs as one batch',
        description:
          'Answers 202 with the batch id, its status URL, each job and the id of the follow-up job, ' +
          'which is submitted once when every job of the batch has ended (whatever their outcome). ' +
          "Each job's and the follow-up's countdown and expiry count from the batch's submission; the " +
          "follow-up's expiry must come after its children's latest due time. A `batchId` is declared " +
          'once: an exact repeat of its declaration (the same token, jobs and follow-up: a client retrying ' +
          'after a lost reply) is answered 202 with the same job ids (`created: false`) and submits nothing; ' +
          'a different declaration of an id already declared is refused with 409 ' +
          '`SEDANO_ERR_API_BATCH_REDECLARED`.',
        tags: ['batches'],
        body: batchBody,
        response: routeResponses(
          { 202: { description: 'Accepted: the batch id, its jobs and the follow-up job id' } },
          {
            body: true,
            codes: ['SEDANO_ERR_JOB_INVALID_REQUEST', 'SEDANO_ERR_API_BAD_REQUEST', 'SEDANO_ERR_API_BATCH_REDECLARED'],
          },
        ),
      },
    },
    async (request, reply) => {
      // Refused rather than ignored: a client retrying with it would get a second batch.
      if (request.headers['idempotency-key'] !== undefined) {
        throw apiError(
          'SEDANO_ERR_API_BAD_REQUEST',
          'POST /v1/batches takes no Idempotency-Key: a repeat would be a second batch (send each job with its own key to POST /v1/jobs instead)',
        );
      }
      const submitter = request.principal?.name ?? 'gateway';
      const { batchId: requestedId } = request.body;
      // Judged and submitted only once the id is claimed: a repeat is answered as the first
      // declaration was, whatever the time now makes of its delays and expiries.
      const submit = async (): Promise<DeclaredBatch & { batchId: string }> => {
        const { jobs: submissions, followUp } = toBatchSubmissions(request.body, { submitter, now: context.now() });
        return inServerSpan(request, async (traceId) => {
          const batch = await context.jobClient.submitBatch(submissions, {
            ...(requestedId === undefined ? {} : { batchId: requestedId }),
            ...(followUp === undefined ? {} : { followUp }),
          });
          addToAccessLine(request, { batchId: batch.batchId, jobs: batch.jobs.length, traceId });
          for (const job of batch.jobs) context.metrics.submitted(job.stage);
          const jobs = batch.jobs.map(({ jobId, stage, priority, notBefore, expiresAt }) => ({
            jobId,
            stage,
            priority,
            notBefore,
            expiresAt,
          }));
          return { batchId: batch.batchId, jobs, followUpJobId: batch.followUpJobId };
        });
      };
      const { batch, created } =
        requestedId === undefined
          ? { batch: await submit(), created: true }
          : await declareBatchOnce(
              context,
              requestedId,
              batchFingerprint({ submitter, jobs: request.body.jobs, followUp: request.body.followUp }),
              submit,
            );
      const { batchId } = batch;
      return reply.code(202).send({
        batchId,
        statusUrl: `/v1/batches/${batchId}`,
        jobs: batch.jobs.map((job) => submissionReply({ ...job, batchId }, created)),
        followUpJobId: batch.followUpJobId,
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/batches/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: "A batch's counts per state, progress and state",
        tags: ['batches'],
        params: batchIdParams,
        response: routeResponses(
          { 200: { description: "The batch's counts per state" } },
          { codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    async (request) => {
      const batch = await context.view.batch(request.params.id);
      if (batch === undefined) throw notFound('batch', request.params.id);
      return { batchId: batch.batchId, ...batch.summary, size: batch.size, followUpJobId: batch.followUpJobId };
    },
  );

  app.delete<{ Params: { id: string }; Body: { reason?: string } | null }>(
    '/v1/batches/:id',
    {
      config: { scope: 'submit' },
      schema: {
        summary: "Revoke a batch's jobs and its follow-up",
        description:
          "Every job of the batch that has not ended is revoked as `DELETE /v1/jobs/:id` revokes one (Celery's " +
          '`GroupResult.revoke()`); the follow-up too, ahead of its submission when the batch has not ended, so ' +
          'it never runs. Answers 202 with how many jobs were revoked and how many had already ended; ' +
          '`notYetInView` counts declared jobs whose PENDING the view has not shown yet (milliseconds after the ' +
          'submission), which a repeat of the request reaches. Repeating it is harmless.',
        tags: ['batches'],
        params: batchIdParams,
        body: emptyBody,
        response: routeResponses(
          { 202: { description: 'Accepted: the revocations are on their way' } },
          { body: true, codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    async (request, reply) => {
      const batch = await context.view.batch(request.params.id);
      if (batch === undefined) throw notFound('batch', request.params.id);
      const { batchId } = batch;
      const jobs = await batchJobs(context.view, batchId);
      const followUp = batch.followUpJobId === null ? undefined : await context.view.get(batch.followUpJobId);
      const requester = request.principal?.name ?? 'gateway';
      const reason = revokeReason(requester, request.body?.reason);
      const outcome = await revokeBatch(context, batch, jobs, followUp, reason, requester);
      request.log.info({ batchId, requester, ...outcome }, 'batch revoked');
      return reply.code(202).send({ batchId, statusUrl: `/v1/batches/${batchId}`, ...outcome });
    },
  );
};

/** Every job of a batch the view holds, read before any is revoked (a revocation moves a job in the list's order). */
async function batchJobs(view: GatewayContext['view'], batchId: string): Promise<JobView[]> {
  const jobs: JobView[] = [];
  let cursor: string | undefined;
  do {
    const page = await view.list({
      batchId,
      limit: 1000,
      withResults: false,
      ...(cursor === undefined ? {} : { cursor }),
    });
    jobs.push(...page.jobs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return jobs;
}
