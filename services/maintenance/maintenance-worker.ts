/**
 * The maintenance stage: consumes the maintenance topic (one partition, no lanes) in the
 * `maintenance` group and runs each request's task once per idempotency key.
 *
 * It does not run on the stage runtime (services/lib/runtime/), which consumes a stage's three
 * lanes and its retry tiers, and whose requests carry a JobHeader; a MaintenanceRequest has
 * neither. Runs are sequential (one partition, and tasks that compete for the same stores
 * should not overlap); a request whose key already ran is skipped without a status event (its
 * job already ended); a failed run is reported FAILURE and frees its key, so the next slot or an
 * immediate run tries again. Heartbeats go on while a task runs, so a backup that takes longer
 * than the session timeout keeps its partition.
 */
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import { maintenanceRequestContract, type MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import { jobStatusEventContract } from '../../schemas/job-status-event.ts';
import { COMPATIBILITY_POLICIES } from '../../topology/contracts.ts';
import { topologyNames, type TopologyNames } from '../../topology/names.ts';
import { type Codec, PoisonMessageError, type SubjectBinding } from '../lib/codec.ts';
import { createDeadLetterWriter } from '../lib/dead-letter.ts';
import { isSedanoError } from '../lib/errors.ts';
import type { IncomingMessage, KafkaClient, KafkaConsumer, KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redis } from 'ioredis';
import { createMaintenanceReporter } from './maintenance-reporter.ts';
import type { TaskRunners } from './maintenance-task.ts';
import { createRunLedger, type RunLedger } from './run-ledger.ts';

export interface MaintenanceOptions {
  kafka: KafkaClient;
  codec: Codec;
  redis: Redis;
  logger: Logger;
  /** The tasks this deployment runs; a request for another fails at once. */
  tasks: TaskRunners;
  /** Prefix of the run ledger's keys (from the keyspace module), e.g. `sedano:maintenance:runs:`. */
  ledgerPrefix: string;
  /** The deployment's names (dead-letter topic, defaults below). @default the default namespace's */
  names?: TopologyNames;
  /** @default names.maintenanceTopic */
  maintenanceTopic?: string;
  /** @default names.statusTopic */
  statusTopic?: string;
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
}

export interface MaintenanceWorker {
  readonly workerId: string;
  /** Runs finished by this worker, and requests skipped as already run. */
  readonly counts: { ran: number; skipped: number; failed: number };
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
    groupId: options.groupId ?? names.maintenanceGroup,
    runLeaseMs: options.runLeaseMs ?? 60_000,
    runRetentionMs: options.runRetentionMs ?? 2_592_000_000,
    progressIntervalMs: options.progressIntervalMs ?? 1_000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
  };
}

export type ResolvedMaintenanceOptions = ReturnType<typeof resolveMaintenanceOptions>;

export async function startMaintenance(options: MaintenanceOptions): Promise<MaintenanceWorker> {
  const resolved = resolveMaintenanceOptions(options);
  const { workerId, maintenanceTopic, statusTopic, groupId } = resolved;
  const logger = options.logger.child({ component: 'maintenance', workerId });
  const producer = await options.kafka.producer();
  const consumer = await options.kafka.consumer(groupId, { sessionTimeoutMs: resolved.sessionTimeoutMs });
  const deadLetters = createDeadLetterWriter({
    producer,
    codec: options.codec,
    names: resolved.names,
    consumerGroup: groupId,
  });
  const ledger = createRunLedger(options.redis, options.ledgerPrefix);
  const shutdown = new AbortController();
  const counts = { ran: 0, skipped: 0, failed: 0 };
  const run = runOne({
    ...resolved,
    logger,
    producer,
    ledger,
    signal: shutdown.signal,
    counts,
    statusBinding: {
      subject: resolved.names.valueSubject(statusTopic),
      contract: jobStatusEventContract,
      compatibility: COMPATIBILITY_POLICIES.status.level,
    },
  });

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
  return closable(workerId, counts, consumer, producer, shutdown);
}

function closable(
  workerId: string,
  counts: MaintenanceWorker['counts'],
  consumer: KafkaConsumer,
  producer: KafkaProducer,
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
        for (const step of [() => consumer.stop(), () => consumer.close(), () => producer.close()]) {
          await step().catch((error: unknown) => failures.push(error));
        }
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
  signal: AbortSignal;
  counts: MaintenanceWorker['counts'];
  statusBinding: SubjectBinding<JobStatusEvent>;
}

function runOne(context: RunContext) {
  const { ledger, workerId, logger, counts } = context;
  const { runLeaseMs: leaseMs, runRetentionMs: retentionMs } = context;
  return async (request: MaintenanceRequest, message: IncomingMessage): Promise<void> => {
    const fields = { jobId: request.jobId, task: request.task, key: request.idempotencyKey, offset: message.offset };
    const begun = await ledger.begin(request.idempotencyKey, workerId, leaseMs);
    if (begun !== 'run') {
      // `running`: another worker (this one's predecessor before a rebalance) still holds it.
      counts.skipped += 1;
      logger.info({ ...fields, begun }, 'maintenance run skipped: its key already ran');
      return;
    }
    const reporter = createMaintenanceReporter({
      ...context,
      request,
      onProgressError: (error) => logger.warn({ ...fields, err: error }, 'a progress event failed'),
    });
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
        signal: context.signal,
        logger: logger.child(fields),
        progress: reporter.progress,
      });
      await reporter.succeeded({ task: request.task, ...outcome });
      await ledger.finish(request.idempotencyKey, request.jobId, retentionMs);
      counts.ran += 1;
      logger.info({ ...fields, ...outcome }, 'maintenance run succeeded');
    } catch (error) {
      await ledger.abandon(request.idempotencyKey, workerId).catch(() => undefined);
      // Shutting down: the message is not committed, so the next worker of the group runs it.
      if (context.signal.aborted) throw error;
      counts.failed += 1;
      logger.error({ ...fields, err: error }, 'maintenance run failed');
      await reporter.failed({
        code: isSedanoError(error) ? error.code : 'SEDANO_ERR_JOB_FAILED',
        type: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
        retriable: false,
      });
    } finally {
      clearInterval(renewal);
    }
  };
}
