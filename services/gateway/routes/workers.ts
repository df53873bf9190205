/**
 * Workers: `POST /v1/workers/ping` sends a PING on the control topic (to every worker, or one
 * stage's) and answers with its command id; `GET /v1/workers/pings/:id` lists the answers so
 * far (worker id and uptime, from worker presence), as the CLI's `ping` reads them. The live
 * workers themselves are in `GET /v1/stages`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ControlCommand } from '../../../schemas/control-command.ts';
import { type Stage, STAGES } from '../../../topology/topics.ts';
import { newJobId } from '../../lib/job-ids.ts';
import type { GatewayContext } from '../context.ts';
import { routeResponses, uuidSchema } from '../schemas.ts';

const pingBody = {
  type: ['object', 'null'],
  properties: { stage: { type: 'string', enum: [...STAGES], description: "Only this stage's workers." } },
  additionalProperties: false,
} as const;

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
  app.post<{ Body: { stage?: Stage } | null }>(
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
        response: routeResponses({ 200: { description: 'Each answer: worker id and uptime' } }),
      },
    },
    async (request) => ({ commandId: request.params.id, answers: await context.workers.pongs(request.params.id) }),
  );
};
