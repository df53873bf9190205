/**
 * Dead letters: `GET /v1/dead-letters` (newest first, from the gateway's index) and
 * `POST /v1/dead-letters/:id/replay`. A job whose attempts ran out cannot run again under its
 * id (its status is final and the workers' ledger skips it), so a replay decodes the original
 * request and submits it as a new job whose `parentJobId` is the original one. A poison
 * message that never decoded as a request is refused with 409; each dead letter is replayed
 * at most once (a second replay is a 409 naming the first replay's job).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Contract } from '../../../schemas/contract.ts';
import { STAGE_REQUEST_CONTRACTS, type StageRequests } from '../../../topology/contracts.ts';
import type { Stage } from '../../../topology/topics.ts';
import { isSedanoError } from '../../lib/errors.ts';
import type { JobSubmission } from '../../lib/job-client.ts';
import { jobIdForKey } from '../../lib/job-ids.ts';
import type { GatewayContext } from '../context.ts';
import { apiError } from '../errors.ts';
import {
  deadLetterIdParams,
  deadLetterListQuery,
  emptyBody,
  routeResponses,
  submissionReplySchema,
} from '../schemas.ts';
import { submissionReply } from '../submissions.ts';
import { stageOfTopic } from '../topics.ts';
import { notFound } from './jobs.ts';
import { inServerSpan } from '../tracing.ts';

function undecodable(id: string, why: string) {
  return apiError('SEDANO_ERR_API_REPLAY_UNDECODABLE', `dead letter ${id} cannot be replayed: ${why}`);
}

/** What the dead-letter routes use of the gateway's collaborators. */
export const DEAD_LETTER_ROUTE_NEEDS = [
  'deadLetters',
  'codec',
  'jobClient',
  'metrics',
  'topics',
] as const satisfies readonly (keyof GatewayContext)[];

/** The dead-letter routes, a fastify plugin given only what they use. */
export const deadLetterRoutes: FastifyPluginAsync<
  Pick<GatewayContext, (typeof DEAD_LETTER_ROUTE_NEEDS)[number]>
> = async (app, context) => {
  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/v1/dead-letters',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Dead letters, newest first',
        tags: ['dead letters'],
        querystring: deadLetterListQuery,
        response: routeResponses(
          { 200: { description: 'A page of dead letters and the cursor of the next one' } },
          { codes: ['SEDANO_ERR_API_INVALID_CURSOR'] },
        ),
      },
    },
    async (request) => context.deadLetters.list({ limit: request.query.limit ?? 50, cursor: request.query.cursor }),
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } | null }>(
    '/v1/dead-letters/:id/replay',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Submit a dead letter's request again as a new job (parentJobId: the original job)",
        tags: ['dead letters'],
        params: deadLetterIdParams,
        body: emptyBody,
        response: routeResponses(
          { 202: { description: 'Accepted: the new job', schema: submissionReplySchema } },
          {
            body: true,
            codes: ['SEDANO_ERR_API_NOT_FOUND', 'SEDANO_ERR_API_CONFLICT', 'SEDANO_ERR_API_REPLAY_UNDECODABLE'],
          },
        ),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const deadLetter = await context.deadLetters.get(id);
      if (deadLetter === undefined) throw notFound('dead letter', id, 'or the gateway has not indexed it yet');
      const earlier = await context.deadLetters.replayOf(id);
      if (earlier !== null) {
        throw apiError('SEDANO_ERR_API_CONFLICT', `dead letter ${id} was already replayed as job ${earlier}`, [
          { replayJobId: earlier },
        ]);
      }
      const stage: Stage | undefined = stageOfTopic(context.topics, deadLetter.sourceTopic);
      if (stage === undefined) throw undecodable(id, `${deadLetter.sourceTopic} is not a job topic`);
      if (deadLetter.originalValue === null) throw undecodable(id, 'the message had no value');
      let request_;
      try {
        const contract: Contract<StageRequests[Stage]> = STAGE_REQUEST_CONTRACTS[stage];
        ({ record: request_ } = await context.codec.decode(contract, Buffer.from(deadLetter.originalValue, 'base64')));
      } catch (error) {
        if (isSedanoError(error) && !error.retriable) throw undecodable(id, `${error.code}: ${error.message}`);
        throw error;
      }
      const { header, ...payload } = request_;
      const requester = request.principal?.name ?? 'gateway';
      // An operator's replay is a new job: the original's expiresAt (long past, as a rule) is not kept.
      const submission: JobSubmission = {
        stage,
        payload: payload,
        options: {
          priority: header.priority,
          parentJobId: header.jobId,
          submitter: requester,
          ...(header.retryPolicy === null ? {} : { retryPolicy: header.retryPolicy }),
          ...(header.softTimeLimitMs === null ? {} : { softTimeLimitMs: header.softTimeLimitMs }),
          ...(header.hardTimeLimitMs === null ? {} : { hardTimeLimitMs: header.hardTimeLimitMs }),
        },
      };
      // Claimed before producing, so two replays at once cannot both submit; the replay's job id
      // comes from an idempotency key naming the dead letter, so it is known before the job exists.
      const idempotencyKey = `dead-letter-replay:${context.topics.deadLetter}/${id}`;
      const jobId = jobIdForKey(idempotencyKey);
      const raced = await context.deadLetters.claimReplay(id, jobId);
      if (raced !== null) {
        throw apiError('SEDANO_ERR_API_CONFLICT', `dead letter ${id} was already replayed as job ${raced}`, [
          { replayJobId: raced },
        ]);
      }
      const job = await inServerSpan(request, async (traceId) => {
        try {
          const replayed = await context.jobClient.submit(submission.stage, submission.payload, {
            ...submission.options,
            idempotencyKey,
          });
          const logged = { deadLetterId: id, jobId: replayed.jobId, parentJobId: header.jobId, traceId };
          request.log.info(logged, 'dead letter replayed');
          return replayed;
        } catch (error) {
          await context.deadLetters.releaseReplay(id, jobId);
          throw error;
        }
      });
      context.metrics.submitted(stage);
      return reply.code(202).send({ ...submissionReply(job, true), replayOf: id, parentJobId: header.jobId });
    },
  );
};
