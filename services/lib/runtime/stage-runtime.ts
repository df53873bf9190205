/**
 * The stage runtime: runs a stage's handler for every job of its lanes, at least once,
 * committing offsets only up to the lowest unfinished message of each partition, with up to
 * `concurrency` jobs at once (more than the partitions it owns) and per-key ordering.
 *
 * For each job: skip it if it already ended (job ledger), report STARTED, run the handler
 * in the job's trace, then report SUCCESS, or RETRY (the job goes to a delay topic and comes
 * back when due), or FAILURE (plus a dead-letter record). Poison messages go to the
 * dead-letter topic. Shutdown stops taking jobs in, waits for running jobs, aborts the rest
 * (they are redelivered), commits and leaves the group.
 */
import { hostname } from 'node:os';
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import { contractBindings, STAGE_REQUEST_CONTRACTS, type StageRequests } from '../../../topology/contracts.ts';
import type { TopologyNames } from '../../../topology/names.ts';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import type { Stage } from '../../../topology/stages.ts';
import { type Codec, PoisonMessageError } from '../codec.ts';
import { createDeadLetterWriter } from '../dead-letter.ts';
import type { IncomingMessage, KafkaClient } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import { createPurgeMarks, type PurgeMarks } from '../purge-marks.ts';
import {
  createWorkerPresence,
  type RunningJobView,
  startPresenceHeartbeat,
  type WorkerPresence,
} from '../worker-presence.ts';
import { startControlListener } from './control-listener.ts';
import { ATTEMPT_HEADER, numberHeader } from './headers.ts';
import { createJobLedger, type JobLedger } from './job-ledger.ts';
import { createJobReporter, type JobReporter } from './job-reporter.ts';
import { KeyedScheduler } from './keyed-scheduler.ts';
import { AdmissionGate } from './admission-gate.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import { startRetryForwarder } from './retry-forwarder.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createRevocations, type Revocations } from './revocations.ts';
import { runAttempt } from './run-attempt.ts';
import { SequenceClock } from './sequence-clock.ts';
import type { StageDefinition } from './stage.ts';
import { stageTopics, type StageTopics } from './stage-topics.ts';
import { RevokedError, ShutdownError } from './abort-reasons.ts';
import type { ThreadPool } from './thread-pool.ts';
import { resolveStageHandler } from './stage-handler.ts';
import { createFailedAttemptHandler } from './failed-attempt.ts';

export { stageTopics, type StageTopics };

export interface StageRuntimeOptions {
  kafka: KafkaClient;
  codec: Codec;
  redis: Redis;
  logger: Logger;
  /** Names this process in status events. */
  workerId: string;
  /** The namespace's topics, groups and subjects. */
  names: TopologyNames;
  /** The namespace's Redis keys. */
  keys: RedisKeys;
  /** The stage's topics and group (default: the namespace's; tests use their own). */
  topics?: StageTopics;
  ledger?: JobLedger;
  revocations?: Revocations;
  /** Overrides the Redis rate limiter built from the stage's `rateLimitPerSecond` (tests). */
  rateLimiter?: RateLimiter;
  tracer?: Tracer;
  now?: () => number;
  random?: () => number;
  /** Where the worker says it is alive and what it runs (default: Redis, `keys.workers`). */
  presence?: WorkerPresence;
  /** Time between two presence heartbeats, in milliseconds (default 5 s). */
  presenceIntervalMs?: number;
  /** Where `ctl purge` marks what to skip (default: Redis, `keys.purgeMark`). */
  purgeMarks?: PurgeMarks;
  /** Where worker threads export the handler's spans (main.ts passes the process's own settings). */
  threadTelemetry?: { serviceName: string; otlpEndpoint: string };
  /** The job consumer's session timeout, in milliseconds (default 30 s): how soon a crashed worker's jobs move. */
  sessionTimeoutMs?: number;
}

export type StageRuntimeState = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

export interface StageRuntime {
  readonly state: StageRuntimeState;
  /** Jobs received and not finished. */
  readonly inFlight: number;
  /** Jobs skipped because they had already ended, since start. */
  readonly skipped: number;
  /** True while a PAUSE_STAGE command holds the stage. */
  readonly paused: boolean;
  /** Times the job consumer joined its group (1 unless it rebalanced or was thrown out). */
  readonly groupJoins: number;
  /** The worker-thread pool of a stage declared with `handlerModule`. */
  readonly threads: ThreadPool | undefined;
  /** Stops the stage (see the module comment); safe to call more than once. */
  close(): Promise<void>;
}

const COMMIT_INTERVAL_MS = 1_000;

export async function startStageRuntime<S extends Stage>(
  definition: StageDefinition<S>,
  options: StageRuntimeOptions,
): Promise<StageRuntime> {
  const { kafka, codec, logger, workerId, names, keys } = options;
  const topics = options.topics ?? stageTopics(names, definition.stage);
  const statusBinding = contractBindings(names).status;
  const ledger = options.ledger ?? createJobLedger({ redis: options.redis, keys });
  const tracer = options.tracer ?? trace.getTracer('sedano');
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const stageOptions = definition.options ?? {};
  const retryPolicy = { ...DEFAULT_RETRY_POLICY, ...stageOptions.retry };
  const contract = STAGE_REQUEST_CONTRACTS[definition.stage];

  let state: StageRuntimeState = 'starting';
  let skipped = 0;
  const concurrency = stageOptions.concurrency ?? 8;
  const tracker = new OffsetTracker();
  // Paused partitions resume only once a finished job has left the scheduler.
  const scheduler = new KeyedScheduler(concurrency, () => {
    if (state === 'running') gate.changed();
  });
  const clock = new SequenceClock(now);
  /** Running jobs: their abort controllers and what the worker's presence record shows of them. */
  const running = new Map<AbortController, RunningJobView>();
  const startedAt = now();
  const presence = options.presence ?? createWorkerPresence({ redis: options.redis, keys });
  const purgeMarks = options.purgeMarks ?? createPurgeMarks({ redis: options.redis, keys });
  const revocations = options.revocations ?? createRevocations({ redis: options.redis, keys });
  const rateLimiter =
    options.rateLimiter ??
    (stageOptions.rateLimitPerSecond === undefined
      ? undefined
      : createRateLimiter({
          redis: options.redis,
          keys,
          name: topics.groupId,
          perSecond: stageOptions.rateLimitPerSecond,
        }));
  // A stage declared with `handlerModule` runs its handler in worker threads (stage.ts).
  const { handler, threads } = resolveStageHandler(definition, {
    concurrency,
    logger,
    telemetry: options.threadTelemetry,
  });
  let groupJoins = 0;
  const consumer = await kafka.consumer(topics.groupId, {
    sessionTimeoutMs: options.sessionTimeoutMs,
    // Paused partitions resume within this time when every partition was paused.
    maxWaitTimeMs: 100,
  });
  const gate = new AdmissionGate(concurrency, () => scheduler.size, consumer);
  const producer = await kafka.producer();
  const deadLetters = createDeadLetterWriter({ producer, codec, names, consumerGroup: topics.groupId });
  const forwarder = await startRetryForwarder({
    consumer: await kafka.consumer(names.retryGroup(topics.groupId)),
    producer,
    retryTopics: Object.values(topics.retry),
    logger,
    now,
  });

  const control = await startControlListener({
    consumer: await kafka.consumer(names.controlGroup(workerId)),
    codec,
    controlTopic: topics.control,
    revocations,
    logger,
    stage: definition.stage,
    onRevoke: (jobId, reason) => {
      for (const [controller, runningJob] of running)
        if (runningJob.jobId === jobId) controller.abort(new RevokedError(reason));
    },
    onPing: (command) => {
      presence.recordPong(command.commandId, workerId, now() - startedAt).catch((error: unknown) => {
        logger.warn({ err: error, commandId: command.commandId }, 'PING not answered');
      });
    },
    onPause: (pause) => {
      logger.info(pause ? 'stage paused by a control command' : 'stage resumed by a control command');
      scheduler.hold(pause);
      gate.suspend(pause);
    },
  });

  async function commit(): Promise<void> {
    try {
      await consumer.commit(tracker.committable());
    } catch (error) {
      // A rebalance took partitions away: their messages are redelivered to the new owner.
      logger.warn({ err: error }, 'commit failed; uncommitted jobs will be redelivered');
    }
  }
  const commitTimer = setInterval(() => void commit(), COMMIT_INTERVAL_MS).unref();

  const failedAttempt = createFailedAttemptHandler({
    producer,
    retryTopics: topics.retry,
    retryPolicy,
    deadLetters,
    ledger,
    now,
    random,
  });

  /** Runs one message; resolves true when it is done with (and may be committed). */
  async function processMessage(message: IncomingMessage): Promise<boolean> {
    let decoded;
    try {
      decoded = await codec.fromMessage(contract, message);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      await deadLetters.write({ message, errorCode: error.code, reason: error.message, attempts: 0 });
      logger.warn(
        { topic: message.topic, offset: message.offset, code: error.code },
        `dead-lettered: ${error.message}`,
      );
      return true;
    }
    const { jobId } = decoded.record.header;
    const ended = await ledger.terminalState(jobId);
    if (ended !== null) {
      skipped += 1;
      logger.info(
        { jobId, state: ended, topic: message.topic, offset: message.offset },
        `skipped: the job already ended (${ended})`,
      );
      return true;
    }
    return runJob(message, decoded.record, decoded.traceContext);
  }

  /** Why a job must not start: revoked, or queued before a `ctl purge` mark; null if it may. */
  async function refusal(jobId: string, message: IncomingMessage): Promise<string | null> {
    const revoked = await revocations.reasonRevoked(jobId);
    if (revoked !== null) return revoked;
    const purgedBelow = await purgeMarks.purgeMark(message.topic, message.partition);
    return purgedBelow !== undefined && Number(message.offset) < purgedBelow ? 'purged' : null;
  }

  /** Runs one attempt of a decoded job that has not ended; resolves true when it may be committed. */
  async function runJob(message: IncomingMessage, request: StageRequests[S], traceContext: Context): Promise<boolean> {
    const { jobId } = request.header;
    const attempt = numberHeader(message.headers, ATTEMPT_HEADER, 1);
    const span: Span = tracer.startSpan(
      `${definition.stage} process`,
      { kind: SpanKind.CONSUMER, attributes: { 'sedano.job_id': jobId, 'sedano.attempt': attempt } },
      traceContext,
    );
    const traceId = span.spanContext().traceId;
    const jobLogger = logger.child({ jobId, traceId, attempt });
    const reporter = createJobReporter({
      producer,
      codec,
      clock,
      stage: definition.stage,
      header: request.header,
      attempt,
      workerId,
      traceId,
      statusTopic: topics.status,
      statusBinding,
      progressIntervalMs: stageOptions.progressIntervalMs ?? 500,
      onProgressError: (error) => jobLogger.warn({ err: error }, 'a PROGRESS event was not produced'),
      now,
    });
    const controller = new AbortController();
    const view: RunningJobView = { jobId, attempt, startedAt: now(), progress: null };
    running.set(controller, view);
    try {
      const refused = await refusal(jobId, message);
      if (refused !== null) {
        await reporter.revoked(refused);
        await ledger.recordTerminal(jobId, 'REVOKED');
        return true;
      }
      await rateLimiter?.acquire(controller.signal);
      await reporter.started();
      const jobContext = {
        job: request,
        jobId,
        attempt,
        signal: controller.signal,
        logger: jobLogger,
        progress: (...call: Parameters<JobReporter['progress']>) => {
          const [current, total, text] = call;
          view.progress = { current, total, message: text ?? null };
          reporter.progress(...call);
        },
      };
      const result = await context.with(trace.setSpan(context.active(), span), () =>
        runAttempt(handler, jobContext, controller, {
          softTimeLimitMs: request.header.softTimeLimitMs ?? stageOptions.softTimeLimitMs,
          hardTimeLimitMs: request.header.hardTimeLimitMs ?? stageOptions.hardTimeLimitMs,
        }),
      );
      await reporter.succeeded(result);
      await ledger.recordTerminal(jobId, 'SUCCESS');
      return true;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      if (error instanceof RevokedError) {
        await reporter.revoked(error.message);
        await ledger.recordTerminal(jobId, 'REVOKED');
        return true;
      }
      // Aborted by shutdown: leave it uncommitted, the next owner runs it again.
      if (error instanceof ShutdownError) return false;
      jobLogger.warn({ err: error }, 'attempt failed');
      await failedAttempt(message, request.header, attempt, reporter, error);
      return true;
    } finally {
      running.delete(controller);
      span.end();
    }
  }

  function receive(message: IncomingMessage): void {
    tracker.begin(message.topic, message.partition, message.offset);
    const key = message.key?.toString('utf8') ?? `${message.topic}/${message.partition}/${message.offset}`;
    let failures = 0;
    const run = async () => {
      let done = false;
      try {
        done = await processMessage(message);
      } catch (error) {
        // The broker, registry or Redis failed, not the job: try the message again later
        // (it stays uncommitted meanwhile, so a crash still redelivers it).
        failures += 1;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        logger.error(
          { err: error, topic: message.topic, offset: message.offset, delayMs },
          'job not processed; trying again',
        );
        const retry = setTimeout(() => {
          if (state === 'running') scheduler.add(key, run, lanePriority(message.topic));
        }, delayMs);
        retry.unref();
      } finally {
        if (done) tracker.finish(message.topic, message.partition, message.offset);
      }
    };
    scheduler.add(key, run, lanePriority(message.topic));
  }

  function lanePriority(topic: string): number {
    return Math.max(0, topics.lanes.indexOf(topic));
  }

  /** Takes a delivered message in unless the gate holds it; never blocks the fetch loop. */
  function admit(message: IncomingMessage): void {
    if (state !== 'running') return;
    const priority = lanePriority(message.topic);
    if (!gate.offer(message, priority)) return;
    receive(message);
    gate.taken(message, priority);
  }

  consumer.onAssignment((assignment) => {
    groupJoins += 1;
    for (const { topic, partition } of tracker.committable()) {
      if (!assignment[topic]?.includes(partition)) tracker.forget(topic, partition);
    }
  });
  await consumer.consume({
    topics: topics.lanes,
    fromBeginning: true,
    manualCommit: true,
    partitionsConcurrently: topics.lanes.length,
    handle: admit,
  });
  state = 'running';
  const heartbeat = startPresenceHeartbeat({
    presence,
    intervalMs: options.presenceIntervalMs ?? 5_000,
    logger,
    snapshot: () => ({
      workerId,
      stage: definition.stage,
      host: hostname(),
      pid: process.pid,
      startedAt,
      heartbeatAt: now(),
      concurrency,
      rateLimitPerSecond: stageOptions.rateLimitPerSecond ?? null,
      paused: gate.suspended,
      running: [...running.values()],
    }),
  });

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    state = 'draining';
    const failures: unknown[] = [];
    const step = async (name: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        failures.push(error);
        logger.error({ err: error }, `shutdown step failed: ${name}`);
      }
    };
    // From here no message is taken in (see admit), and jobs taken in but not started stay
    // uncommitted: the next owner runs them. The consumer keeps running until the final commit,
    // which kafkajs refuses once it is stopped.
    scheduler.hold(true);
    scheduler.dropWaiting();
    const grace = stageOptions.shutdownGraceMs ?? 30_000;
    await step('drain', () =>
      Promise.race([scheduler.idle(), new Promise((resolve) => setTimeout(resolve, grace).unref())]),
    );
    for (const controller of running.keys()) controller.abort(new ShutdownError());
    await step('abort', () => scheduler.idle());
    await step('threads', async () => threads?.close());
    clearInterval(commitTimer);
    await step('commit', commit);
    await step('stop fetching', () => consumer.stop());
    await step('retry forwarder', () => forwarder.close());
    await step('control listener', () => control.close());
    await step('leave the group', () => consumer.close());
    await step('presence', () => heartbeat.stop());
    await step('producer', () => producer.close());
    state = failures.length > 0 ? 'failed' : 'stopped';
  }

  return {
    get state() {
      return state;
    },
    get inFlight() {
      return tracker.inFlight;
    },
    get skipped() {
      return skipped;
    },
    get paused() {
      return gate.suspended;
    },
    get groupJoins() {
      return groupJoins;
    },
    threads,
    close: () => (closing ??= shutdown()),
  };
}
