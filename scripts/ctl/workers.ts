/**
 * `ctl status`, `ctl inspect active` and `ctl ping`: the workers of each stage, the
 * maintenance worker among them (stage `maintenance`, group `<namespace>.maintenance`).
 *
 * A worker is alive when it is a member of its stage's consumer group (Kafka's word); its
 * presence record in Redis (services/lib/worker-presence.ts) adds what it runs now. `ping`
 * sends a PING on the control topic and collects the answers the workers record in Redis.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ControlCommand } from '../../schemas/control-command.ts';
import { contractBindings } from '../../topology/contracts.ts';
import { WORKER_STAGES, type WorkerStage } from '../../topology/stages.ts';
import type { ConsumerGroupDescription } from '../../services/lib/kafka.ts';
import { createWorkerPresence, type ProcessedCounts, type WorkerRecord } from '../../services/lib/worker-presence.ts';
import { type CtlAction, parseWorkerStage } from './command-context.ts';
import { CtlError, formatDuration, formatProgress, formatTable, parseWholeNumber } from './output.ts';

type GroupMember = ConsumerGroupDescription['members'][number];

/** One worker of a stage as `status` shows it. */
export interface WorkerStatus {
  stage: WorkerStage;
  workerId: string;
  /** alive: in the stage group; not-in-group: a fresh presence record but no group membership. */
  state: 'alive' | 'not-in-group';
  /** Whether the worker published a presence record (older workers do not). */
  heartbeat: boolean;
  host: string | null;
  pid: number | null;
  uptimeMs: number | null;
  lastHeartbeatMs: number | null;
  running: number | null;
  concurrency: number | null;
  paused: boolean | null;
  /** Attempts ended since the worker started, by outcome; null without a record, or from an earlier version. */
  processed: ProcessedCounts | null;
}

/** Joins the group's members and the presence records of one stage (pure). */
export function stageWorkers(
  stage: WorkerStage,
  members: readonly GroupMember[],
  records: readonly WorkerRecord[],
  now: number,
): WorkerStatus[] {
  const byId = new Map(records.map((record) => [record.workerId, record]));
  const ids = new Set([...members.map((member) => member.clientId), ...byId.keys()]);
  const inGroup = new Set(members.map((member) => member.clientId));
  return [...ids].sort().map((workerId) => {
    const record = byId.get(workerId);
    const member = members.find((candidate) => candidate.clientId === workerId);
    return {
      stage,
      workerId,
      state: inGroup.has(workerId) ? 'alive' : 'not-in-group',
      heartbeat: record !== undefined,
      host: record?.host ?? member?.host ?? null,
      pid: record?.pid ?? null,
      uptimeMs: record ? now - record.startedAt : null,
      lastHeartbeatMs: record ? now - record.heartbeatAt : null,
      running: record ? record.running.length : null,
      concurrency: record?.concurrency ?? null,
      paused: record?.paused ?? null,
      processed: record?.processed ?? null,
    };
  });
}

/** Human lines of `ctl status` (pure). */
export function formatStatus(stages: readonly WorkerStage[], workers: readonly WorkerStatus[]): string[] {
  const rows = stages.flatMap((stage) => {
    const mine = workers.filter((worker) => worker.stage === stage);
    if (mine.length === 0) return [[stage, '(no workers)', '', '', '', '', '', '']];
    return mine.map((worker) => [
      stage,
      worker.workerId,
      worker.state === 'alive' ? (worker.paused ? 'alive, paused' : 'alive') : 'not in group',
      worker.running === null ? '-' : `${worker.running}/${worker.concurrency ?? '?'}`,
      worker.processed === null ? '-' : formatProcessed(worker.processed),
      worker.uptimeMs === null ? '-' : formatDuration(worker.uptimeMs),
      worker.lastHeartbeatMs === null ? 'none' : `${formatDuration(worker.lastHeartbeatMs)} ago`,
      worker.host ?? '-',
    ]);
  });
  return formatTable(['STAGE', 'WORKER', 'STATE', 'RUNNING', 'PROCESSED', 'UPTIME', 'HEARTBEAT', 'HOST'], rows);
}

/** `12 (1 failed, 2 retried)`: the attempts ended, and how many of them did not succeed (pure). */
export function formatProcessed({ succeeded, failed, retried, revoked }: ProcessedCounts): string {
  const total = succeeded + failed + retried + revoked;
  const others = [
    [failed, 'failed'],
    [retried, 'retried'],
    [revoked, 'revoked'],
  ].flatMap(([count, name]) => (count === 0 ? [] : [`${count} ${name}`]));
  return others.length === 0 ? String(total) : `${total} (${others.join(', ')})`;
}

/** A job running now, as `inspect active` shows it. */
export interface ActiveJob {
  jobId: string;
  stage: WorkerStage;
  workerId: string;
  attempt: number;
  startedAt: number;
  runningForMs: number;
  progress: WorkerRecord['running'][number]['progress'];
}

/** Every running job of the given presence records, longest-running first (pure). */
export function activeJobs(records: readonly WorkerRecord[], now: number): ActiveJob[] {
  return records
    .flatMap((record) =>
      record.running.map((job) => ({
        jobId: job.jobId,
        stage: record.stage,
        workerId: record.workerId,
        attempt: job.attempt,
        startedAt: job.startedAt,
        runningForMs: now - job.startedAt,
        progress: job.progress,
      })),
    )
    .sort((a, b) => a.startedAt - b.startedAt || a.jobId.localeCompare(b.jobId));
}

export function formatActiveJobs(jobs: readonly ActiveJob[]): string[] {
  if (jobs.length === 0) return ['no job is running'];
  return formatTable(
    ['JOB', 'STAGE', 'WORKER', 'ATTEMPT', 'RUNNING FOR', 'PROGRESS'],
    jobs.map((job) => [
      job.jobId,
      job.stage,
      job.workerId,
      String(job.attempt),
      formatDuration(job.runningForMs),
      formatProgress(job.progress),
    ]),
  );
}

export function registerWorkers(program: Command, run: CtlAction): void {
  program
    .command('status')
    .description("each stage's workers: alive (a member of the stage's consumer group) or not, and what they run")
    .argument('[stage]', `one stage (${WORKER_STAGES.join(', ')}); default every stage`)
    .action(
      run(async ({ out, clients, names, keys }, stageName: string | undefined) => {
        const stages = stageName === undefined ? [...WORKER_STAGES] : [parseWorkerStage(stageName)];
        const admin = await clients.admin();
        const presence = createWorkerPresence({ redis: await clients.redis(), keys });
        const [groups, records] = await Promise.all([
          Promise.all(stages.map((stage) => admin.describeGroup(names.workerGroup(stage)))),
          presence.list(),
        ]);
        const now = Date.now();
        const workers = stages.flatMap((stage, i) =>
          stageWorkers(
            stage,
            groups[i]?.members ?? [],
            records.filter((record) => record.stage === stage),
            now,
          ),
        );
        if (out.json) out.data({ workers });
        else for (const line of formatStatus(stages, workers)) out.line(line);
      }),
    );

  program
    .command('inspect')
    .description('what the workers are doing')
    .command('active')
    .description('jobs running now, on which worker, with their progress')
    .option('--stage <stage>', 'only this stage')
    .action(
      run(async ({ out, clients, options, keys }) => {
        const stage = typeof options['stage'] === 'string' ? parseWorkerStage(options['stage']) : undefined;
        const presence = createWorkerPresence({ redis: await clients.redis(), keys });
        const jobs = activeJobs(await presence.list(stage), Date.now());
        if (out.json) out.data({ jobs });
        else for (const line of formatActiveJobs(jobs)) out.line(line);
      }),
    );

  program
    .command('ping')
    .description("asks every worker (or one stage's) to answer with its id and uptime; fails if one is silent")
    .option('--stage <stage>', "only this stage's workers")
    .option('--timeout <ms>', 'how long to wait for the answers, in milliseconds', '5000')
    .action(
      run(async ({ out, clients, options, names, keys }) => {
        const stage = typeof options['stage'] === 'string' ? parseWorkerStage(options['stage']) : undefined;
        const timeoutMs = parseWholeNumber('--timeout', String(options['timeout']), 1);
        const presence = createWorkerPresence({ redis: await clients.redis(), keys });
        const expected = (await presence.list(stage)).map((record) => record.workerId);
        const command: ControlCommand = {
          commandId: randomUUID(),
          command: 'PING',
          jobId: null,
          stage: stage ?? null,
          reason: null,
          requester: `ctl@${hostname()}`,
          issuedAt: Date.now(),
        };
        await presence.recordPing(command.commandId, command.issuedAt);
        const producer = await clients.producer();
        await producer.send(names.controlTopic, [
          await clients.codec().toMessage(contractBindings(names).control, command.commandId, command),
        ]);
        const deadline = performance.now() + timeoutMs;
        let answers = await presence.pongs(command.commandId);
        // Stops early once every known worker answered; with none known, waits the whole time.
        while (performance.now() < deadline) {
          const answered = new Set(answers.map((answer) => answer.workerId));
          if (expected.length > 0 && expected.every((id) => answered.has(id))) break;
          await sleep(Math.min(100, Math.max(0, deadline - performance.now())));
          answers = await presence.pongs(command.commandId);
        }
        const answered = new Set(answers.map((answer) => answer.workerId));
        const silent = expected.filter((id) => !answered.has(id));
        if (out.json) {
          out.data({ commandId: command.commandId, answers, silent });
        } else {
          if (answers.length > 0) {
            const rows = answers.map((answer) => [answer.workerId, formatDuration(answer.uptimeMs)]);
            for (const line of formatTable(['WORKER', 'UPTIME'], rows)) out.line(line);
          }
          for (const id of silent) out.line(`${id}: no answer within ${timeoutMs} ms`);
        }
        if (answers.length === 0) throw new CtlError(`no worker answered within ${timeoutMs} ms`);
        if (silent.length > 0) throw new CtlError(`${silent.length} worker(s) did not answer within ${timeoutMs} ms`);
      }),
    );
}
