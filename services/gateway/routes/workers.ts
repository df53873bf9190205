/**
 * Workers: `GET /v1/workers` lists the live workers (their presence records: every job stage's
 * and the maintenance worker's); `POST /v1/workers/ping` sends a PING on the control topic (to
 * every worker, or one stage's) and answers with its command id; `GET /v1/workers/pings/:id`
 * lists the answers so far (worker id and uptime, from worker presence), as the CLI's `ping`
 * reads them; a 404 for a PING neither sent by a gateway or the CLI nor answered (or expired). `GET /v1/stages` shows each job stage's workers beside its topics and lag.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ControlCommand } from '../../../schemas/control-command.ts';
import { WORKER_STAGES, type WorkerStage } from '../../../topology/stages.ts';
import { newJobId } from '../../lib/job-ids.ts';
import type { GatewayContext } from '../context.ts';
import { apiError } from '../errors.ts';
import { routeResponses, uuidSchema } from '../schemas.ts';

const stageFilter = { type: 'string', enum: [...WORKER_STAGES], description: "Only this stage's workers." } as const;

const pingBody = {
  type: ['object', 'null'],
  properties: { stage: stageFilter },
  additionalProperties: false,
} as const;

const listQuery = { type: 'object', properties: { stage: stageFilter }, additionalProperties: false } as const;

const pingParams = {
  type: 'object',
  properties: { id: { ...uuidSchema, description: "The PING's command id." } },
  required: ['id'],
  additionalProperties: false,
} as const;

/** What the worker routes use of the gateway's collaborators. */
export const WORKER_ROUTE_NEEDS = [
  'producer',
  'codec',
  'topics',
  'workers',
  'now',
] as const satisfies readonly (keyof GatewayContext)[];

/** The worker routes, a fastify plugin given only what they use. */
export const workerRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof WORKER_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  app.get<{ Querystring: { stage?: WorkerStage } }>(
    '/v1/workers',
    {
      config: { scope: 'read' },
      schema: {
        summary:
          'The live workers as of their last presence record: stage, host, start and heartbeat times, their jobs',
        tags: ['workers'],
        querystring: listQuery,
        response: routeResponses({ 200: { description: 'Every live worker, ordered by worker id' } }),
      },
    },
    async (request) => ({ workers: await context.workers.list(request.query.stage) }),
  );

  app.post<{ Body: { stage?: WorkerStage } | null }>(
    '/v1/workers/ping',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Ask every worker (or one stage’s) to answer with its id and uptime',
        tags: ['workers'],
        body: pingBody,
        response: routeResponses(
          { 202: { description: 'Sent: the command id and where its answers are listed' } },
          { body: true },
        ),
      },
    },
    async (request, reply) => {
      const command: ControlCommand = {
        commandId: newJobId(),
        command: 'PING',
        jobId: null,
        stage: request.body?.stage ?? null,
        reason: null,
        requester: request.principal?.name ?? 'gateway',
        issuedAt: context.now(),
      };
      await context.workers.recordPing(command.commandId, command.issuedAt);
      await context.producer.send(context.topics.control, [
        await context.codec.toMessage(context.topics.contracts.control, command.commandId, command),
      ]);
      return reply
        .code(202)
        .send({ commandId: command.commandId, answersUrl: `/v1/workers/pings/${command.commandId}` });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/workers/pings/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The answers to a PING so far',
        tags: ['workers'],
        params: pingParams,
        response: routeResponses(
          { 200: { description: 'Each answer: worker id and uptime' } },
          { codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    async (request) => {
      const { id } = request.params;
      const [known, answers] = await Promise.all([context.workers.pingKnown(id), context.workers.pongs(id)]);
      if (!known) throw apiError('SEDANO_ERR_API_NOT_FOUND', `no PING ${id} (unknown, or sent over 5 minutes ago)`);
      return { commandId: id, answers };
    },
  );
};
