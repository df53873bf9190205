/**
 * `ctl schedules list|run|pause|resume`: the maintenance schedules, through the gateway's
 * /v1/schedules routes (run, pause and resume need an admin token).
 */
import type { Command } from 'commander';
import type { CtlAction } from './command-context.ts';
import { gatewayRequest, resolveGatewayTarget, withGatewayOptions } from './gateway-client.ts';
import { formatTable } from './output.ts';

/** A schedule as GET /v1/schedules answers it. */
export interface ScheduleReply {
  name: string;
  task: string;
  cron: string;
  timeZone: string;
  missedSlots: string;
  paused: boolean;
  nextFireTimes: string[];
  lastRun: {
    jobId: string;
    slotTime: string;
    runAt: string;
    /** null: the job has left the view (its result expired). */
    state: string | null;
    errorCode: string | null;
  } | null;
}

/** The last run's state as the table shows it (pure): an expired run apart from a revoked one. */
function lastRunState(lastRun: NonNullable<ScheduleReply['lastRun']>): string {
  if (lastRun.state === null) return 'result gone';
  return lastRun.errorCode === 'SEDANO_ERR_JOB_EXPIRED' ? 'REVOKED (expired)' : lastRun.state;
}

/** The schedules as a table (pure). */
export function formatSchedules(schedules: readonly ScheduleReply[]): string[] {
  return formatTable(
    ['SCHEDULE', 'TASK', 'CRON', 'ZONE', 'MISSED', 'NEXT', 'LAST RUN', 'STATE'],
    schedules.map((schedule) => [
      schedule.name,
      schedule.task,
      schedule.cron,
      schedule.timeZone,
      schedule.missedSlots,
      schedule.paused ? 'paused' : (schedule.nextFireTimes[0] ?? '-'),
      schedule.lastRun?.runAt ?? '-',
      schedule.lastRun ? lastRunState(schedule.lastRun) : '-',
    ]),
  );
}

export function registerSchedules(program: Command, run: CtlAction): void {
  const schedules = program.command('schedules').description('maintenance schedules: list, run now, pause, resume');
  withGatewayOptions(
    schedules.command('list').description('each schedule: next fire time, last run and its state'),
  ).action(
    run(async ({ out, options, env }) => {
      const reply = await gatewayRequest<{ schedules: ScheduleReply[] }>(
        resolveGatewayTarget(options, env),
        'GET',
        '/v1/schedules',
      );
      if (out.json) out.data(reply);
      else for (const line of formatSchedules(reply.schedules)) out.line(line);
    }),
  );
  withGatewayOptions(
    schedules
      .command('run')
      .description('run a schedule now (its own idempotency key)')
      .argument('<name>')
      .option('--idempotency-key <key>', 'a repeated run with the same key is the same run'),
  ).action(
    run(async ({ out, options, env }, name: string) => {
      const key = options['idempotencyKey'];
      const reply = await gatewayRequest<{ jobId: string; idempotencyKey: string }>(
        resolveGatewayTarget(options, env),
        'POST',
        `/v1/schedules/${encodeURIComponent(name)}/run`,
        {},
        typeof key === 'string' ? { 'idempotency-key': key } : {},
      );
      if (out.json) out.data(reply);
      else out.line(`running ${name}: job ${reply.jobId}`);
    }),
  );
  for (const action of ['pause', 'resume'] as const) {
    withGatewayOptions(
      schedules
        .command(action)
        .description(action === 'pause' ? 'stop firing a schedule' : 'fire a paused schedule again (no catch-up)')
        .argument('<name>'),
    ).action(
      run(async ({ out, options, env }, name: string) => {
        const reply = await gatewayRequest<{ name: string; paused: boolean }>(
          resolveGatewayTarget(options, env),
          'POST',
          `/v1/schedules/${encodeURIComponent(name)}/${action}`,
          {},
        );
        if (out.json) out.data(reply);
        else out.line(`${name}: ${reply.paused ? 'paused' : 'resumed'}`);
      }),
    );
  }
}
