/**
 * Stages: `GET /v1/stages` shows each stage's topics, its consumer group (members, lag per
 * lane, from Kafka), its live workers (worker presence in Redis: jobs in flight, rate limit,
 * paused), the run times of its latest successes (run-times.ts), and the last pause or resume
 * given through the API; `POST /v1/stages/:stage/pause` and `/resume` send PAUSE_STAGE and
 * RESUME_STAGE to every worker on the control topic, and keep it as the stage's pause record,
 * which a worker started later reads; `PUT /v1/stages/:stage/rate-limit` sets the stage's
 * rate-limit record, and `PUT /v1/stages/:stage/concurrency` its concurrency record, which its
 * workers read (services/lib/stage-controls.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ControlCommand } from '../../../schemas/control-command.ts';
import { type Stage, STAGES } from '../../../topology/topics.ts';
import { newJobId } from '../../lib/job-ids.ts';
import {
  type PauseRecord,
  readConcurrencyRecord,
  readPauseRecord,
  readRateLimitRecord,
  writeConcurrencyRecord,
  writePauseRecord,
  writeRateLimitRecord,
} from '../../lib/stage-controls.ts';
import type { WorkerRecord } from '../../lib/worker-presence.ts';
import type { GatewayContext } from '../context.ts';
import { createRunTimesReader } from '../run-times.ts';
import { readStageGroup } from '../stage-lag.ts';
import { concurrencyBody, emptyBody, rateLimitBody, routeResponses, stageParams } from '../schemas.ts';

/** What the live workers of a stage say together (pure). */
export function summarizeWorkers(workers: readonly WorkerRecord[]) {
  const limits = workers.map((worker) => worker.rateLimitPerSecond).filter((limit) => limit !== null);
  return {
    count: workers.length,
    inFlight: workers.reduce((sum, worker) => sum + worker.running.length, 0),
    concurrency: workers.reduce((sum, worker) => sum + worker.concurrency, 0),
    // The limit is the stage's, shared by its workers; they all read the same definition.
    rateLimitPerSecond: limits.length === 0 ? null : Math.min(...limits),
    paused: workers.length === 0 ? null : workers.every((worker) => worker.paused),
  };
}

/** What the stage routes use of the gateway's collaborators. */
export const STAGE_ROUTE_NEEDS = [
  'admin',
  'codec',
  'now',
  'producer',
  'redis',
  'keys',
  'topics',
  'view',
  'workers',
] as const satisfies readonly (keyof GatewayContext)[];

/** The stage routes, a fastify plugin given only what they use. */
export const stageRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof STAGE_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  const pauseKey = (stage: Stage) => context.keys.stagePause(stage);
  const runTimes = createRunTimesReader(context);

  async function describeStage(stage: Stage) {
    const names = context.topics.stages[stage];
    const [group, workers, lastCommand = null, rateLimitOverride = null, concurrencyOverride = null, recentRunTimes] =
      await Promise.all([
        readStageGroup(context.admin, names),
        context.workers.list(stage),
        readPauseRecord(context.redis, pauseKey(stage)),
        readRateLimitRecord(context.redis, context.keys.stageRateLimit(stage)),
        readConcurrencyRecord(context.redis, context.keys.stageConcurrency(stage)),
        runTimes(stage),
      ]);
    const summary = summarizeWorkers(workers);
    return {
      stage,
      topics: { lanes: names.lanes, retry: names.retry },
      group: { groupId: group.groupId, state: group.state, members: group.members },
      lag: Object.fromEntries(Object.entries(group.lanes).map(([lane, { lag }]) => [lane, lag])),
      inFlight: summary.inFlight,
      // Job slots in force on the live workers; an operator's record reaches them within a presence interval.
      concurrency: summary.concurrency,
      concurrencyOverride,
      // What the workers apply; an operator's limit reaches them within a presence interval.
      rateLimitPerSecond: summary.rateLimitPerSecond,
      rateLimitOverride,
      // What the workers report; with no live worker, what the API last commanded.
      paused: summary.paused ?? lastCommand?.paused ?? false,
      lastPauseCommand: lastCommand,
      runTimes: recentRunTimes,
      workers,
    };
  }

  app.get(
    '/v1/stages',
    {
      config: { scope: 'read' },
      schema: {
        summary:
          'Each stage: topics, group members, lag per lane, in-flight jobs, rate limit, paused, run times of its latest successes',
        tags: ['stages'],
        response: routeResponses({ 200: { description: 'Every stage' } }, { validated: false }),
      },
    },
    async () => ({ stages: await Promise.all(STAGES.map(describeStage)) }),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { stage: Stage }; Body: { reason?: string } | null }>(
      `/v1/stages/:stage/${action}`,
      {
        config: { scope: 'admin' },
        schema: {
          summary: action === 'pause' ? "Hold a stage's jobs on every worker" : 'Let a paused stage run again',
          tags: ['stages'],
          params: stageParams,
          body: emptyBody,
          response: routeResponses({ 202: { description: 'Accepted: the command is on its way' } }, { body: true }),
        },
      },
      async (request, reply) => {
        const { stage } = request.params;
        const by = request.principal?.name ?? 'gateway';
        const at = context.now();
        const command: ControlCommand = {
          commandId: newJobId(),
          command: action === 'pause' ? 'PAUSE_STAGE' : 'RESUME_STAGE',
          jobId: null,
          stage,
          reason: request.body?.reason ?? null,
          requester: by,
          issuedAt: at,
        };
        // The record first: a worker that reads it when the command reaches it, or at its next
        // refresh, finds the state the command brings, not the one before.
        const record: PauseRecord = { paused: action === 'pause', by, at };
        await writePauseRecord(context.redis, pauseKey(stage), record);
        await context.producer.send(context.topics.control, [
          await context.codec.toMessage(context.topics.contracts.control, command.commandId, command),
        ]);
        request.log.info({ stage, command: command.command }, `stage ${action}d`);
        return reply.code(202).send({ stage, command: command.command, commandId: command.commandId });
      },
    );
  }

  app.put<{ Params: { stage: Stage }; Body: { perSecond: number | null } }>(
    '/v1/stages/:stage/rate-limit',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Set a stage's rate limit on every worker, or give it back its own",
        description:
          "Job starts per second shared by the stage's workers, in place of the limit the stage declares " +
          "(Celery's `control rate_limit`); `null` removes it. Kept in Redis, so a worker started later " +
          'follows it too; running workers apply it within a presence interval (5 s by default).',
        tags: ['stages'],
        params: stageParams,
        body: rateLimitBody,
        response: routeResponses({ 200: { description: 'The limit set, or null' } }, { body: true }),
      },
    },
    async (request) => {
      const { stage } = request.params;
      const { perSecond } = request.body;
      const by = request.principal?.name ?? 'gateway';
      const record = perSecond === null ? undefined : { perSecond, by, at: context.now() };
      await writeRateLimitRecord(context.redis, context.keys.stageRateLimit(stage), record);
      request.log.info({ stage, perSecond, by }, 'stage rate limit set');
      return { stage, rateLimitOverride: record ?? null };
    },
  );

  app.put<{ Params: { stage: Stage }; Body: { perWorker: number | null } }>(
    '/v1/stages/:stage/concurrency',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Set how many jobs each of a stage's workers runs at once, or give them back their own",
        description:
          "Flower's pool size and Celery's `control pool_shrink`/`pool_grow`, for every worker of the stage: each " +
          'runs at most `perWorker` jobs at once, and never more than the concurrency it started with; `null` ' +
          'removes the limit. Kept in Redis, so a worker started later follows it too; running workers apply it ' +
          'within a presence interval (5 s by default), and the jobs they run then finish.',
        tags: ['stages'],
        params: stageParams,
        body: concurrencyBody,
        response: routeResponses({ 200: { description: 'The concurrency set, or null' } }, { body: true }),
      },
    },
    async (request) => {
      const { stage } = request.params;
      const { perWorker } = request.body;
      const by = request.principal?.name ?? 'gateway';
      const record = perWorker === null ? undefined : { perWorker, by, at: context.now() };
      await writeConcurrencyRecord(context.redis, context.keys.stageConcurrency(stage), record);
      request.log.info({ stage, perWorker, by }, 'stage concurrency set');
      return { stage, concurrencyOverride: record ?? null };
    },
  );
};
