/**
 * The maintenance stage: consumes the maintenance topic (one partition, no lanes) in the
 * `maintenance` group and runs each request's task once per idempotency key.
 *
 * It does not run on the stage runtime (services/lib/runtime/), which consumes a stage's three
 * lanes and its retry tiers, and whose requests carry a JobHeader; a MaintenanceRequest has
 * neither (what moving it would take: README, "Maintenance and the stage runtime"). Runs are
 * sequential (one partition, and tasks that compete for the same stores should not overlap); a
 * request whose key already ran is skipped without a status event (its job already ended); a
 * failed run is reported FAILURE and its key is marked ended too: run again under the same job
 * id, its outcome would go unseen (a terminal view never changes), so the next slot or an
 * immediate run, each with a key of its own, tries again. Heartbeats go on while a task runs, so a backup that takes longer than the session
 * timeout keeps its partition.
 *
 * Revoke (`DELETE /v1/jobs/:id`, `ctl jobs revoke`), with the runtime's own control listener
 * and revocations: a run revoked before it starts is not run (REVOKED, its key left free); a
 * REVOKE while it runs aborts its task's signal, and the run ends REVOKED. A run taken after
 * its `expiresAt` (its schedule's next slot: services/scheduler/maintenance-run.ts) is not run
 * either (REVOKED with SEDANO_ERR_JOB_EXPIRED, its key left free).
 *
 * Presence and PING as the runtime's workers have them (worker-presence.ts), with the stage
 * `maintenance`: a record every `presenceIntervalMs` naming the run in progress with its last
 * progress, removed on close, so `ctl status`, `ctl inspect active`, `ctl ping` and the
 * dashboard's Workers page show this worker too.
 */
import { hostname } from 'node:os';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import { maintenanceRequestContract, type MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import { jobStatusEventContract } from '../../schemas/job-status-event.ts';
import { COMPATIBILITY_POLICIES } from '../../topology/contracts.ts';
import { topologyNames, type TopologyNames } from '../../topology/names.ts';
import { type Codec, PoisonMessageError, type SubjectBinding } from '../lib/codec.ts';
import { createDeadLetterWriter } from '../lib/dead-letter.ts';
import { isSedanoError } from '../lib/errors.ts';
import type { IncomingMessage, KafkaClient, KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import { isRevoked, RevokedError } from '../lib/runtime/abort-reasons.ts';
import { startControlListener } from '../lib/runtime/control-listener.ts';
import { expiryRefusal } from '../lib/runtime/expiry.ts';
import { createRevocations, type Revocations } from '../lib/runtime/revocations.ts';
import { createWorkerPresence, type RunningJobView, startPresenceHeartbeat } from '../lib/worker-presence.ts';
import type { RedisKeys } from '../../topology/redis-keys.ts';
import type { Redis } from 'ioredis';
import { createMaintenanceReporter, type MaintenanceReporter } from './maintenance-reporter.ts';
import type { TaskRunners } from './maintenance-task.ts';
import { createRunLedger, type RunLedger } from './run-ledger.ts';

export interface MaintenanceOptions {
  kafka: KafkaClient;
  codec: Codec;
  redis: Redis;
  logger: Logger;
  /** The tasks this deployment runs; a request for another fails at once. */
  tasks: TaskRunners;
  /** The deployment's Redis keys: the run ledger's, the revocations' and worker presence's. */
  keys: Pick<RedisKeys, 'maintenanceRun' | 'revoked' | 'workers'>;
  /** The deployment's names (dead-letter topic, defaults below). @default the default namespace's */
  names?: TopologyNames;
  /** @default names.maintenanceTopic */
  maintenanceTopic?: string;
  /** @default names.statusTopic */
  statusTopic?: string;
  /** Where REVOKE commands come from. @default names.controlTopic */
  controlTopic?: string;
  /** @default names.maintenanceGroup */
  groupId?: string;
  /** @default `maintenance-<random>` */
  workerId?: string;
  /** A run's lease, renewed while it runs, in ms. @default 60_000 */
  runLeaseMs?: number;
  /** How long a finished run's key is remembered, in ms. @default 2_592_000_000 (30 days) */
  runRetentionMs?: number;
  /** Shortest time between two PROGRESS events of a run, in ms. @default 1_000 */
  progressIntervalMs?: number;
  /** Consumer session timeout, in ms. @default 30_000 */
  sessionTimeoutMs?: number;
  /** Time between two presence records, in ms (the stage runtime's default). @default 5_000 */
  presenceIntervalMs?: number;
}

export interface MaintenanceWorker {
  readonly workerId: string;
  /** Runs finished by this worker, requests skipped as already run, runs revoked, and runs expired. */
  readonly counts: { ran: number; skipped: number; failed: number; revoked: number; expired: number };
  /** Stops consuming (a running task is aborted), leaves the group; idempotent. */
  close(): Promise<void>;
}

/** The options with their defaults (pure). */
export function resolveMaintenanceOptions(options: MaintenanceOptions) {
  const names = options.names ?? topologyNames();
  return {
    ...options,
    names,
    workerId: options.workerId ?? `maintenance-${crypto.randomUUID().slice(0, 8)}`,
    maintenanceTopic: options.maintenanceTopic ?? names.maintenanceTopic,
    statusTopic: options.statusTopic ?? names.statusTopic,
    controlTopic: options.controlTopic ?? names.controlTopic,
    groupId: options.groupId ?? names.maintenanceGroup,
    runLeaseMs: options.runLeaseMs ?? 60_000,
    runRetentionMs: options.runRetentionMs ?? 2_592_000_000,
    progressIntervalMs: options.progressIntervalMs ?? 1_000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    presenceIntervalMs: options.presenceIntervalMs ?? 5_000,
  };
}

export type ResolvedMaintenanceOptions = ReturnType<typeof resolveMaintenanceOptions>;

export async function startMaintenance(options: MaintenanceOptions): Promise<MaintenanceWorker> {
  const resolved = resolveMaintenanceOptions(options);
  const { workerId, maintenanceTopic, statusTopic, groupId } = resolved;
  const logger = options.logger.child({ component: 'maintenance', workerId });
  const producer = await options.kafka.producer();
  const deadLetters = createDeadLetterWriter({
    producer,
    codec: options.codec,
    names: resolved.names,
    consumerGroup: groupId,
  });
  const revocations = createRevocations({ redis: options.redis, keys: options.keys });
  const presence = createWorkerPresence({ redis: options.redis, keys: options.keys });
  const startedAt = Date.now();
  const running = new Map<string, AbortController>();
  // The run in progress as presence shows it: set once its key is held, with its last progress.
  const runViews = new Map<string, RunningJobView>();
  // Every worker reads every command, in a group of its own (as the stage runtime's workers do).
  const control = await startControlListener({
    consumer: await options.kafka.consumer(resolved.names.controlGroup(workerId)),
    codec: options.codec,
    controlTopic: resolved.controlTopic,
    revocations,
    logger,
    stage: 'maintenance',
    onRevoke: (jobId, reason) => running.get(jobId)?.abort(new RevokedError(reason)),
    onPause: () => logger.info('a stage pause does not apply to maintenance: pause its schedules instead'),
    onPing: (command) => {
      presence.recordPong(command.commandId, workerId, Date.now() - startedAt).catch((error: unknown) => {
        logger.warn({ err: error, commandId: command.commandId }, 'PING not answered');
      });
    },
  });
  const shutdown = new AbortController();
  const counts = { ran: 0, skipped: 0, failed: 0, revoked: 0, expired: 0 };
  const run = runOne({
    ...resolved,
    logger,
    producer,
    ledger: createRunLedger(options.redis, options.keys),
    revocations,
    running,
    runViews,
    signal: shutdown.signal,
    counts,
    statusBinding: {
      subject: resolved.names.valueSubject(statusTopic),
      contract: jobStatusEventContract,
      compatibility: COMPATIBILITY_POLICIES.status.level,
    },
  });

  const consumer = await options.kafka.consumer(groupId, { sessionTimeoutMs: resolved.sessionTimeoutMs });
  await consumer.consume({
    topics: [maintenanceTopic],
    fromBeginning: true,
    handle: async (message, heartbeat) => {
      let request: MaintenanceRequest;
      try {
        ({ record: request } = await options.codec.decode(maintenanceRequestContract, message.value));
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        await deadLetters.write({ message, errorCode: error.code, reason: error.message, attempts: 0 });
        return;
      }
      await withHeartbeats(heartbeat, () => run(request, message));
    },
  });
  const presenceHeartbeat = startPresenceHeartbeat({
    presence,
    intervalMs: resolved.presenceIntervalMs,
    logger,
    snapshot: () => ({
      workerId,
      stage: 'maintenance',
      host: hostname(),
      pid: process.pid,
      startedAt,
      heartbeatAt: Date.now(),
      concurrency: 1,
      ownConcurrency: 1,
      rateLimitPerSecond: null,
      paused: false,
      // Serialised at once by the publication: the views need no copy.
      running: [...runViews.values()],
      // A run is never tried again; one expired before it started ends REVOKED.
      processed: { succeeded: counts.ran, failed: counts.failed, retried: 0, revoked: counts.revoked + counts.expired },
    }),
  });
  return closable(
    workerId,
    counts,
    [
      () => presenceHeartbeat.stop(),
      () => consumer.stop(),
      () => consumer.close(),
      () => control.close(),
      () => producer.close(),
    ],
    shutdown,
  );
}

function closable(
  workerId: string,
  counts: MaintenanceWorker['counts'],
  steps: readonly (() => Promise<void>)[],
  shutdown: AbortController,
): MaintenanceWorker {
  let closing: Promise<void> | undefined;
  return {
    workerId,
    counts,
    close() {
      closing ??= (async () => {
        shutdown.abort(new Error('the maintenance worker is shutting down'));
        const failures: unknown[] = [];
        for (const step of steps) await step().catch((error: unknown) => failures.push(error));
        if (failures.length > 0) throw new AggregateError(failures, 'closing the maintenance worker failed');
      })();
      return closing;
    },
  };
}

async function withHeartbeats<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

interface RunContext extends ResolvedMaintenanceOptions {
  producer: KafkaProducer;
  ledger: RunLedger;
  revocations: Revocations;
  /** The run in progress, by job id: a REVOKE aborts it. */
  running: Map<string, AbortController>;
  /** The run in progress as the worker's presence record shows it, by job id. */
  runViews: Map<string, RunningJobView>;
  signal: AbortSignal;
  counts: MaintenanceWorker['counts'];
  statusBinding: SubjectBinding<JobStatusEvent>;
}

function runOne(context: RunContext) {
  const { ledger, workerId, logger, counts, revocations, running } = context;
  return async (request: MaintenanceRequest, message: IncomingMessage): Promise<void> => {
    const fields = { jobId: request.jobId, task: request.task, key: request.idempotencyKey, offset: message.offset };
    const reporter = createMaintenanceReporter({
      ...context,
      request,
      onProgressError: (error) => logger.warn({ ...fields, err: error }, 'a progress event failed'),
    });
    // Registered before the revocation is read, so a REVOKE arriving in between is not lost.
    const revoke = new AbortController();
    running.set(request.jobId, revoke);
    try {
      const refused = (await revocations.reasonRevoked(request.jobId)) ?? revokeReason(revoke.signal);
      if (refused !== null) {
        counts.revoked += 1;
        logger.info({ ...fields, reason: refused }, 'maintenance run revoked before it started');
        await reporter.revoked(refused);
        return;
      }
      const begun = await ledger.begin(request.idempotencyKey, workerId, context.runLeaseMs);
      if (begun !== 'run') {
        // `running`: another worker (this one's predecessor before a rebalance) still holds it.
        counts.skipped += 1;
        logger.info({ ...fields, begun }, 'maintenance run skipped: its key already ran');
        return;
      }
      // Only once the key is held: a repeat of a run that is running or done is skipped above,
      // with no event, rather than reported expired over the run's own outcome.
      const expired = expiryRefusal(request.expiresAt, Date.now(), ": the schedule's next slot came before it started");
      if (expired !== null) {
        await ledger.abandon(request.idempotencyKey, workerId);
        counts.expired += 1;
        logger.info({ ...fields, reason: expired.message }, 'maintenance run expired before it started');
        await reporter.revoked(expired.message, expired.code);
        return;
      }
      await execute(context, request, reporter, revoke.signal, logger.child(fields));
    } finally {
      running.delete(request.jobId);
    }
  };
}

/** The reason of a revoke that aborted `signal`, or null. */
function revokeReason(signal: AbortSignal): string | null {
  return signal.aborted && isRevoked(signal.reason) ? signal.reason.message : null;
}

/** Runs a request whose key this worker holds, and reports how it ended. */
async function execute(
  context: RunContext,
  request: MaintenanceRequest,
  reporter: MaintenanceReporter,
  revoked: AbortSignal,
  logger: Logger,
): Promise<void> {
  const { ledger, workerId, counts, runViews } = context;
  const { runLeaseMs: leaseMs, runRetentionMs: retentionMs } = context;
  const view: RunningJobView = { jobId: request.jobId, attempt: 1, startedAt: Date.now(), progress: null };
  runViews.set(request.jobId, view);
  const progress: MaintenanceReporter['progress'] = (current, total, message) => {
    view.progress = { current, total, message };
    reporter.progress(current, total, message);
  };
  const renewal = setInterval(
    () => void ledger.renew(request.idempotencyKey, workerId, leaseMs).catch(() => undefined),
    leaseMs / 3,
  );
  try {
    await reporter.started();
    const runner = context.tasks[request.task];
    if (runner === undefined) throw new Error(`this maintenance worker does not run ${request.task}`);
    const outcome = await runner({
      request,
      signal: AbortSignal.any([context.signal, revoked]),
      logger,
      progress,
    });
    // A task that finished in spite of its revoke ends REVOKED all the same (what it did stays done).
    revoked.throwIfAborted();
    await reporter.succeeded({ task: request.task, ...outcome });
    await ledger.finish(request.idempotencyKey, request.jobId, retentionMs);
    counts.ran += 1;
    logger.info(outcome, 'maintenance run succeeded');
  } catch (error) {
    // Shutting down: the key is freed and the message not committed, so the next worker runs it.
    // Revoked: the key is freed too (a redelivery meets the revocation again).
    const reason = revokeReason(revoked);
    if (context.signal.aborted || reason !== null) {
      await ledger.abandon(request.idempotencyKey, workerId).catch(() => undefined);
    }
    if (context.signal.aborted) throw error;
    if (reason !== null) {
      counts.revoked += 1;
      logger.info({ reason }, 'maintenance run revoked while it ran');
      await reporter.revoked(reason);
      return;
    }
    counts.failed += 1;
    logger.error({ err: error }, 'maintenance run failed');
    await reporter.failed({
      code: isSedanoError(error) ? error.code : 'SEDANO_ERR_JOB_FAILED',
      type: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
      retriable: false,
    });
    await ledger.finish(request.idempotencyKey, request.jobId, context.runRetentionMs);
  } finally {
    clearInterval(renewal);
    runViews.delete(request.jobId);
  }
}
