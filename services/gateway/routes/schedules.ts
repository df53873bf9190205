/**
 * Schedules: `GET /v1/schedules` lists each maintenance schedule with its next fire times and
 * its last run (with that job's state from the view); `POST /v1/schedules/:name/run` emits an
 * immediate run (its own idempotency key: an `Idempotency-Key` header makes a repeated request
 * the same run); `POST /v1/schedules/:name/pause` and `/resume` stop and restart its slots on
 * every scheduler (the slots of a pause are skipped, never caught up).
 */
import type { FastifyInstance } from 'fastify';
import type { JobView, StatusView } from '../../lib/status-view.ts';
import type { ScheduleControl, ScheduleStatus } from '../../scheduler/schedule-control.ts';
import { emptyBody, routeResponses } from '../schemas.ts';

export interface ScheduleRouteDependencies {
  control: ScheduleControl;
  view: StatusView;
}

const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' } },
  required: ['name'],
  additionalProperties: false,
} as const;

const iso = (ms: number) => new Date(ms).toISOString();

/** A schedule as the API shows it (pure), given its last run's job as the view has it (undefined: gone). */
export function scheduleView(status: ScheduleStatus, lastRunJob: Pick<JobView, 'state' | 'error'> | undefined) {
  return {
    name: status.name,
    task: status.task,
    cron: status.cron,
    timeZone: status.timeZone,
    missedSlots: status.missedSlots,
    paused: status.paused,
    nextFireTimes: status.nextSlotsMs.map(iso),
    lastRun:
      status.lastRun === null
        ? null
        : {
            jobId: status.lastRun.jobId,
            slotTime: iso(status.lastRun.slotMs),
            runAt: iso(status.lastRun.runAtMs),
            // null: the job has left the view (its result expired).
            state: lastRunJob?.state ?? null,
            // Tells an expired run (SEDANO_ERR_JOB_EXPIRED: its next slot came first) from a revoked one.
            errorCode: lastRunJob?.error?.code ?? null,
          },
  };
}

export function scheduleRoutes(app: FastifyInstance, { control, view }: ScheduleRouteDependencies): void {
  app.get(
    '/v1/schedules',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Each maintenance schedule: next fire times, paused, last run and its state',
        tags: ['schedules'],
      },
    },
    async () => {
      const statuses = await control.list(3);
      const lastRuns = await Promise.all(
        statuses.map(async (status) => (status.lastRun ? await view.get(status.lastRun.jobId) : undefined)),
      );
      return { schedules: statuses.map((status, i) => scheduleView(status, lastRuns[i])) };
    },
  );

  app.post<{ Params: { name: string }; Body: { reason?: string } | null }>(
    '/v1/schedules/:name/run',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Run a schedule now (an immediate run with its own idempotency key)',
        description:
          'With an Idempotency-Key, a repeat within 30 days answers the same run (`created: false`) without running it again.',
        tags: ['schedules'],
        params: nameParams,
        body: emptyBody,
        response: routeResponses(
          { 202: { description: 'The run: its job id' } },
          { body: true, codes: ['SEDANO_ERR_SCHEDULE_NOT_FOUND'] },
        ),
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const runId = typeof key === 'string' ? key : undefined;
      const run = await control.runNow(request.params.name, runId);
      const { reason } = request.body ?? {};
      const fields = { schedule: request.params.name, jobId: run.jobId, by: request.principal?.name, reason };
      request.log.info(fields, run.created ? 'schedule run now' : 'schedule run now repeated: the same run');
      return reply.code(202).send({ name: request.params.name, ...run });
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { name: string }; Body: { reason?: string } | null }>(
      `/v1/schedules/:name/${action}`,
      {
        config: { scope: 'admin' },
        schema: {
          summary: action === 'pause' ? 'Stop firing a schedule' : 'Fire a paused schedule again (no catch-up)',
          tags: ['schedules'],
          params: nameParams,
          body: emptyBody,
          response: routeResponses(
            { 200: { description: 'The schedule and whether it is paused now' } },
            { body: true, codes: ['SEDANO_ERR_SCHEDULE_NOT_FOUND'] },
          ),
        },
      },
      async (request) => {
        const { name } = request.params;
        await (action === 'pause' ? control.pause(name) : control.resume(name));
        const { reason } = request.body ?? {};
        request.log.info({ schedule: name, by: request.principal?.name, reason }, `schedule ${action}d`);
        return { name, paused: action === 'pause' };
      },
    );
  }
}
