/**
 * Batches: `POST /v1/batches` submits many jobs under one batch id (every job is validated
 * and encoded before anything is produced), `GET /v1/batches/:id` their counts per state,
 * progress and overall state (batch-state.ts).
 */
import type { FastifyInstance } from 'fastify';
import { summarizeBatch } from '../../lib/batch-state.ts';
import type { GatewayContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { batchBody, batchIdParams } from '../schemas.ts';
import { type SubmissionBody, submissionReply, toJobSubmission } from '../submissions.ts';
import { notFound } from './jobs.ts';

interface BatchBody {
  jobs: SubmissionBody[];
  batchId?: string;
  followUp?: SubmissionBody;
}

export function batchRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.post<{ Body: BatchBody }>(
    '/v1/batches',
    {
      config: { scope: 'submit' },
      schema: {
        summary: 'Submit many jobs as one batch',
        description: 'Answers 202 with the batch id, its status URL and each job.',
        tags: ['batches'],
        body: batchBody,
      },
    },
    async (request, reply) => {
      const submitter = request.principal?.name ?? 'gateway';
      if (request.body.followUp !== undefined) {
        // The job client cannot submit a follow-up yet (JobClient.submitBatch's `followUp`, pending).
        throw new ApiError(
          501,
          'SEDANO_ERR_API_BAD_REQUEST',
          'batch follow-up jobs are not supported by this gateway yet; submit the batch without followUp',
        );
      }
      const submissions = request.body.jobs.map((job) => toJobSubmission(job, submitter));
      const options = request.body.batchId === undefined ? {} : { batchId: request.body.batchId };
      const { batchId, jobs } = await context.jobClient.submitBatch(submissions, options);
      for (const job of jobs) context.metrics.submitted(job.stage);
      request.log.info({ batchId, jobs: jobs.length }, 'batch submitted');
      return reply.code(202).send({
        batchId,
        statusUrl: `/v1/batches/${batchId}`,
        jobs: jobs.map((job) => submissionReply(job, true)),
        followUpJobId: null,
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/batches/:id',
    {
      config: { scope: 'read' },
      schema: { summary: "A batch's counts per state, progress and state", tags: ['batches'], params: batchIdParams },
    },
    async (request) => {
      const counts = await context.view.batchCounts(request.params.id);
      if (counts === undefined) throw notFound('batch', request.params.id);
      const summary = summarizeBatch(counts);
      return { batchId: request.params.id, ...summary, followUpJobId: null };
    },
  );
}
