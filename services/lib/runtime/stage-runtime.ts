/**
 * The stage runtime: runs a stage's handler for every job of its lanes, at least once,
 * committing offsets only up to the lowest unfinished message of each partition, with up to
 * `concurrency` handlers at once (more than the partitions it owns) and per-key ordering.
 *
 * It orchestrates small collaborators, each in its own module:
 * - `MessageIntake`: which delivered messages are taken in and when they run (admission gate,
 *   keyed scheduler, offset tracker), and trying a message again after an infrastructure failure;
 * - `MessageProcessor`: decoding, poison messages and job-type mismatches to the dead-letter
 *   topic;
 * - `JobRunner`: one attempt of one job, in its trace (jobs that already ended skipped, the
 *   ledger, revocation and purge mark read in one round trip), and its outcome (SUCCESS,
 *   REVOKED, a retry through a delay topic, or FAILURE and a dead letter);
 * - the offset committer, the retry forwarder, the control listener, the presence heartbeat.
 *
 * Shutdown stops taking jobs in, waits for running jobs, aborts the rest (they are
 * redelivered), commits and leaves the group; no step may hold it longer than
 * `shutdownStepTimeoutMs`.
 */
import { hostname } from 'node:os';
import type { Stage } from '../../../topology/stages.ts';
import { ShutdownError } from './abort-reasons.ts';
import type { StageDefinition } from './stage.ts';
import { assembleStage, type StageParts } from './stage-assembly.ts';
import { type ResolvedStageOptions, resolveStageOptions } from './stage-options.ts';
import type { StageRuntimeOptions } from './stage-runtime-options.ts';
import { stageTopics, type StageTopics } from './stage-topics.ts';
import type { ThreadPool } from './thread-pool.ts';
import { runCloseStep } from '../close-step.ts';
import { startPresenceHeartbeat } from '../worker-presence.ts';

export { stageTopics, type StageTopics, type StageRuntimeOptions };

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
  /** The stage's options with every default applied. */
  readonly options: ResolvedStageOptions;
  /** Stops the stage (see the module comment); safe to call more than once. */
  close(): Promise<void>;
}

export async function startStageRuntime<S extends Stage>(
  definition: StageDefinition<S>,
  options: StageRuntimeOptions,
): Promise<StageRuntime> {
  const resolved = resolveStageOptions({
    ...definition.options,
    ...(options.presenceIntervalMs === undefined ? {} : { presenceIntervalMs: options.presenceIntervalMs }),
    ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
  });
  const parts = await assembleStage(definition, options, resolved);
  const worker = new StageWorker(parts);
  await worker.start();
  return worker;
}

/** A started stage: its named steps (start, close) over its parts. */
class StageWorker<S extends Stage> implements StageRuntime {
  readonly #parts: StageParts<S>;
  #state: StageRuntimeState = 'starting';
  #heartbeat: { stop(): Promise<void> } | undefined;
  #closing: Promise<void> | undefined;

  constructor(parts: StageParts<S>) {
    this.#parts = parts;
  }

  get state(): StageRuntimeState {
    return this.#state;
  }
  get inFlight(): number {
    return this.#parts.tracker.inFlight;
  }
  get skipped(): number {
    return this.#parts.processor.skipped;
  }
  get paused(): boolean {
    return this.#parts.intake.paused;
  }
  get groupJoins(): number {
    return this.#parts.committer.groupJoins;
  }
  get threads(): ThreadPool | undefined {
    return this.#parts.threads;
  }
  get options(): ResolvedStageOptions {
    return this.#parts.options;
  }

  /** Starts consuming the lanes and publishing the worker's presence. */
  async start(): Promise<void> {
    const { consumer, topics, intake } = this.#parts;
    // Open before consuming: a message delivered to a closed intake would be skipped and never
    // begun, so a later commit could pass over it.
    intake.open();
    await consumer.consume({
      topics: topics.lanes,
      fromBeginning: true,
      manualCommit: true,
      partitionsConcurrently: topics.lanes.length,
      handleBatch: async (messages) => intake.admitBatch(messages),
    });
    this.#state = 'running';
    this.#heartbeat = this.#startHeartbeat();
  }

  close(): Promise<void> {
    return (this.#closing ??= this.#shutdown());
  }

  #startHeartbeat(): { stop(): Promise<void> } {
    const { stores, options, logger, workerId, definition, startedAt, now, intake, running } = this.#parts;
    return startPresenceHeartbeat({
      presence: stores.presence,
      intervalMs: options.presenceIntervalMs,
      logger,
      snapshot: () => ({
        workerId,
        stage: definition.stage,
        host: hostname(),
        pid: process.pid,
        startedAt,
        heartbeatAt: now(),
        concurrency: intake.concurrency,
        ownConcurrency: options.concurrency,
        rateLimitPerSecond: stores.rateLimiter.perSecond ?? null,
        paused: intake.paused,
        running: running.views(),
        processed: running.processed(),
      }),
    });
  }

  async #shutdown(): Promise<void> {
    this.#state = 'draining';
    const { intake, running, threads, committer, consumer, forwarder, control, producer, options } = this.#parts;
    const failures: unknown[] = [];
    // Each step is bounded (close-step.ts), so a handler that ignores its abort signal or a
    // Kafka call that never returns cannot hold the process: the step is logged by name and the
    // shutdown goes on. Safe, because only finished jobs' offsets are committed: what a late
    // step leaves is run again by the next owner.
    const step = async (name: string, action: () => Promise<unknown>, timeoutMs = options.shutdownStepTimeoutMs) => {
      const failure = await runCloseStep(name, action, timeoutMs);
      if (failure === undefined) return;
      failures.push(failure);
      this.#parts.logger.error({ err: failure }, `shutdown step failed: ${name}`);
    };
    // From here no message is taken in, and jobs taken in but not started stay uncommitted:
    // the next owner runs them. The consumer keeps running until the final commit, which
    // kafkajs refuses once it is stopped. The drain has the grace period on top of a step's time.
    await step(
      'drain',
      () => intake.drain(options.shutdownGraceMs),
      options.shutdownGraceMs + options.shutdownStepTimeoutMs,
    );
    running.abortAll(() => new ShutdownError());
    await step('abort', () => intake.idle());
    await step('threads', async () => threads?.close());
    committer.stop();
    await step('commit', () => committer.commit());
    await step('stop fetching', () => consumer.stop());
    await step('retry forwarder', () => forwarder.close());
    await step('control listener', () => control.close());
    await step('stage controls refresh', () => this.#parts.controlsRefresh.stop());
    await step('leave the group', () => consumer.close());
    await step('presence', async () => this.#heartbeat?.stop());
    await step('lag sampler', async () => this.#parts.lag?.close());
    await step('producer', () => producer.close());
    this.#state = failures.length > 0 ? 'failed' : 'stopped';
  }
}
