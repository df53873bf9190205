/**
 * Wires a stage runtime's collaborators (stage-runtime.ts lists them) and connects them to
 * Kafka; nothing is consumed until the runtime starts.
 */
import { trace } from '@opentelemetry/api';
import { contractBindings } from '../../../topology/contracts.ts';
import { RETRY_TIERS, type Stage } from '../../../topology/stages.ts';
import { createDeadLetterWriter } from '../dead-letter.ts';
import type { KafkaConsumer, KafkaProducer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import { RevokedError } from './abort-reasons.ts';
import { startControlListener } from './control-listener.ts';
import { createFailedAttemptHandler } from './failed-attempt.ts';
import { JobRunner } from './job-runner.ts';
import { rememberMember, removeFormerMember } from './member-handover.ts';
import { MessageIntake } from './message-intake.ts';
import { MessageProcessor } from './message-processor.ts';
import { type OffsetCommitter, startOffsetCommitter } from './offset-committer.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { type LagSampler, startLagSampler } from './lag-sampler.ts';
import { type StageControlsRefresh, startStageControlsRefresh } from './stage-controls-refresh.ts';
import { type RetryForwarder, startRetryForwarder } from './retry-forwarder.ts';
import { RunningJobs } from './running-jobs.ts';
import { SequenceClock } from './sequence-clock.ts';
import type { StageDefinition } from './stage.ts';
import { resolveStageHandler } from './stage-handler.ts';
import { countedDeadLetters, type StageMetrics, stageMetrics } from './stage-metrics.ts';
import type { ResolvedStageOptions } from './stage-options.ts';
import type { StageRuntimeOptions } from './stage-runtime-options.ts';
import { resolveStageStores, type StageStores } from './stage-stores.ts';
import { stageTopics, type StageTopics } from './stage-topics.ts';
import type { ThreadPool } from './thread-pool.ts';

/** A fetch's round trip and decoding, as the admission gate allows for it (admission-gate.ts). */
const FETCH_ROUND_TRIP_MS = 50;
/**
 * The fetch wait while the admission gate holds partitions paused (sedano's kafkajs patch). A
 * resumed partition is read only by the next fetch, and the fetch in flight (of the lanes not
 * paused, often empty) waited the whole `fetchMaxWaitMs` on the broker, so a busy worker ran
 * out of jobs between fetches (docs/benchmarks.md). At rest nothing is paused and the consumer
 * long-polls for `fetchMaxWaitMs`, so an idle worker asks the broker no more often; a slow stage
 * that stays full fetches its other (empty) partitions every 20 ms for as long as it is paused.
 */
const PAUSED_FETCH_WAIT_MS = 20;
/**
 * Bytes a fetch returns per partition (kafkajs's default is 1 MiB). A stage takes a fetched
 * batch in whole, even past the admission gate's limit (MessageIntake.admitBatch), so this
 * bounds how far past it: with 1 MiB that was 2,000+ small requests. (Before the whole batch was
 * taken in, kafkajs dropped a paused partition's rest and fetched it again: a 20,000 burst decoded
 * 12.6 requests per job with 1 MiB, 3.6 with 64 KiB, each once now.) Kafka returns at least one record
 * batch however large, so big requests still flow. 16 KiB, not 64: a 20,000 no-op burst then
 * keeps 500-1,500 jobs in hand instead of 800-4,300, and what survives each young-generation
 * collection falls from ~30 to ~15 MB (docs/benchmarks.md, issue 12).
 */
const FETCH_MAX_BYTES_PER_PARTITION = 16 * 1024;

/** What a stage runtime is made of once wired; the steps of StageWorker work on it. */
export interface StageParts<S extends Stage> {
  definition: StageDefinition<S>;
  options: ResolvedStageOptions;
  topics: StageTopics;
  stores: StageStores;
  logger: Logger;
  workerId: string;
  now: () => number;
  startedAt: number;
  threads: ThreadPool | undefined;
  running: RunningJobs;
  tracker: OffsetTracker;
  consumer: KafkaConsumer;
  producer: KafkaProducer;
  intake: MessageIntake;
  processor: MessageProcessor<S>;
  committer: OffsetCommitter;
  forwarder: RetryForwarder;
  control: { close(): Promise<void> };
  /** Keeps the rate limiter on the stage's rate-limit record. */
  controlsRefresh: StageControlsRefresh;
  /** Samples the lanes' lag when the stage has metrics. */
  lag: LagSampler | undefined;
}

/** What every wiring step below needs. */
interface StageWiring<S extends Stage> {
  definition: StageDefinition<S>;
  options: StageRuntimeOptions;
  resolved: ResolvedStageOptions;
  topics: StageTopics;
  stores: StageStores;
  now: () => number;
  random: () => number;
  metrics: StageMetrics;
}

/** Builds the collaborators and connects them to Kafka; nothing is consumed yet. */
export async function assembleStage<S extends Stage>(
  definition: StageDefinition<S>,
  options: StageRuntimeOptions,
  resolved: ResolvedStageOptions,
): Promise<StageParts<S>> {
  const { kafka, logger } = options;
  const topics = options.topics ?? stageTopics(options.names, definition.stage);
  const stores = resolveStageStores({
    ...options,
    rateLimitName: topics.groupId,
    rateLimitPerSecond: resolved.rateLimitPerSecond,
  });
  const now = options.now ?? Date.now;
  const wiring: StageWiring<S> = {
    definition,
    options,
    resolved,
    topics,
    stores,
    now,
    random: options.random ?? Math.random,
    metrics: stageMetrics(options.metrics, definition.stage, topics.lanes),
  };
  const running = new RunningJobs();
  const tracker = new OffsetTracker();
  const pausedFetchWaitMs = Math.min(resolved.fetchMaxWaitMs, PAUSED_FETCH_WAIT_MS);
  const consumer = await kafka.consumer(topics.groupId, {
    sessionTimeoutMs: resolved.sessionTimeoutMs,
    maxWaitTimeMs: resolved.fetchMaxWaitMs,
    pausedMaxWaitTimeMs: pausedFetchWaitMs,
    maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
  });
  await handOver(options, consumer, topics.groupId);
  const producer = await kafka.producer();
  const { processor, threads } = wireJobPath(wiring, producer, running);
  const intake = new MessageIntake({
    concurrency: resolved.concurrency,
    lanes: topics.lanes,
    consumer,
    tracker,
    process: (message, slot) => processor.process(message, slot),
    infrastructureBackoff: resolved.infrastructureBackoff,
    // A resumed partition waits for the fetch in flight (at most the paused wait), then one fetch.
    refillMs: pausedFetchWaitMs + FETCH_ROUND_TRIP_MS,
    logger,
    random: wiring.random,
  });
  // The control topic keeps a PAUSE_STAGE a day: the stage's pause record holds it longer, and
  // is read before any job is taken in (stage-controls.ts), as the stage's rate-limit and
  // concurrency records.
  const controlsRefresh = await startStageControlsRefresh({
    redis: options.redis,
    keys: {
      pause: options.keys.stagePause(definition.stage),
      rateLimit: options.keys.stageRateLimit(definition.stage),
      concurrency: options.keys.stageConcurrency(definition.stage),
    },
    limiter: stores.rateLimiter,
    declared: resolved.rateLimitPerSecond,
    intake,
    ownConcurrency: resolved.concurrency,
    intervalMs: resolved.presenceIntervalMs,
    logger,
  });
  const pauseRecord = controlsRefresh.firstPauseRecord;
  const forwarder = await forwardRetries(wiring, producer);
  const startedAt = now();
  const control = await listenForControl(wiring, intake, running, startedAt, pauseRecord?.at);
  const committer = startOffsetCommitter({ consumer, tracker, intervalMs: resolved.commitIntervalMs, logger });
  const lag =
    options.metrics === undefined
      ? undefined
      : startLagSampler({
          admin: await kafka.admin(),
          groupId: topics.groupId,
          lanes: topics.lanes,
          intervalMs: resolved.presenceIntervalMs,
          report: wiring.metrics.lag,
          logger,
        });
  return {
    definition,
    options: resolved,
    topics,
    stores,
    now,
    logger,
    workerId: options.workerId,
    startedAt,
    threads,
    running,
    tracker,
    consumer,
    producer,
    intake,
    processor,
    committer,
    forwarder,
    control,
    controlsRefresh,
    lag,
  };
}

/**
 * A restarted worker takes its place in a group back at once, not after its former self's
 * session ends (member-handover.ts): for each of its groups, since joining one waits for every
 * member the coordinator still counts.
 */
async function handOver(
  options: StageRuntimeOptions,
  consumer: KafkaConsumer,
  groupId: string,
): Promise<KafkaConsumer> {
  const { kafka, redis, keys, workerId, logger } = options;
  const handover = { kafka, redis, keys, groupId, workerId, logger };
  await removeFormerMember(handover);
  rememberMember(consumer, handover);
  return consumer;
}

/** Moves the stage's due retries back to their lanes, in a consumer group of its own. */
async function forwardRetries<S extends Stage>(
  wiring: StageWiring<S>,
  producer: KafkaProducer,
): Promise<RetryForwarder> {
  const { options, topics, now } = wiring;
  return startRetryForwarder({
    consumer: await handOver(
      options,
      await options.kafka.consumer(options.names.retryGroup(topics.groupId)),
      options.names.retryGroup(topics.groupId),
    ),
    producer,
    retryTopics: RETRY_TIERS.map((tier) => ({ topic: topics.retry[tier.name], holdMs: tier.delayMs })),
    logger: options.logger,
    now,
  });
}

/** The path of a message to its job's outcome: processor, runner, failed attempts, dead letters. */
function wireJobPath<S extends Stage>(
  wiring: StageWiring<S>,
  producer: KafkaProducer,
  running: RunningJobs,
): { processor: MessageProcessor<S>; threads: ThreadPool | undefined } {
  const { definition, options, resolved, topics, stores, now, random, metrics } = wiring;
  const { codec, logger } = options;
  // A stage declared with `handlerModule` runs its handler in worker threads (stage.ts).
  const { handler, threads } = resolveStageHandler(definition, {
    threads: resolved.threads,
    logger,
    telemetry: options.threadTelemetry,
    events: { size: metrics.threadPoolSize, replaced: metrics.threadRecycled },
  });
  const deadLetters = countedDeadLetters(
    createDeadLetterWriter({ producer, codec, names: options.names, consumerGroup: topics.groupId }),
    metrics,
  );
  const failedAttempt = createFailedAttemptHandler({
    producer,
    retryTopics: topics.retry,
    retryPolicy: resolved.retry,
    deadLetters,
    now,
    random,
  });
  const runner = new JobRunner({
    ...stores,
    stage: definition.stage,
    handler,
    options: resolved,
    producer,
    codec,
    clock: new SequenceClock(now),
    workerId: options.workerId,
    statusTopic: topics.status,
    statusBinding: contractBindings(options.names).status,
    failedAttempt,
    running,
    tracer: options.tracer ?? trace.getTracer('sedano'),
    logger,
    now,
    random,
    metrics,
  });
  const processor = new MessageProcessor({
    stage: definition.stage,
    codec,
    deadLetters,
    runner,
    logger,
  });
  return { processor, threads };
}

/**
 * Listens to the control topic: revokes abort running jobs, pauses hold the intake (those issued
 * from `pauseCommandsFrom` on: the pause record's time), pings are answered.
 */
async function listenForControl<S extends Stage>(
  wiring: StageWiring<S>,
  intake: MessageIntake,
  running: RunningJobs,
  startedAt: number,
  pauseCommandsFrom: number | undefined,
): Promise<{ close(): Promise<void> }> {
  const { options, topics, stores, now, definition } = wiring;
  const { kafka, codec, logger, workerId } = options;
  return startControlListener({
    consumer: await handOver(
      options,
      await kafka.consumer(options.names.controlGroup(workerId)),
      options.names.controlGroup(workerId),
    ),
    codec,
    controlTopic: topics.control,
    revocations: stores.revocations,
    logger,
    stage: definition.stage,
    onRevoke: (jobId, reason) => running.abortJob(jobId, () => new RevokedError(reason)),
    onPing: (command) => {
      stores.presence.recordPong(command.commandId, workerId, now() - startedAt).catch((error: unknown) => {
        logger.warn({ err: error, commandId: command.commandId }, 'PING not answered');
      });
    },
    ...(pauseCommandsFrom === undefined ? {} : { pauseCommandsFrom }),
    onPause: (pause) => {
      logger.info(pause ? 'stage paused by a control command' : 'stage resumed by a control command');
      intake.pause(pause);
    },
  });
}
