/**
 * How delivered messages become running jobs: the admission gate decides which are taken in
 * (higher lanes first, a full worker pauses its partitions), the offset tracker notes each
 * one as begun, and the keyed scheduler runs them, `concurrency` handlers at once and in order
 * per key (a job whose handler returned settles its outcome without holding a slot).
 *
 * A message is finished (its offset may be committed) only when processing says it is done
 * with. When processing throws, the broker, the registry or Redis failed, not the job: the
 * message stays uncommitted (a crash still redelivers it) and is tried again in place after
 * the stage's infrastructure backoff, the same policy (exponential, jitter, cap) as retries.
 */
import type { IncomingMessage, KafkaConsumer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import { AdmissionGate } from './admission-gate.ts';
import { ShutdownError } from './abort-reasons.ts';
import { KeyedScheduler, type Slot } from './keyed-scheduler.ts';
import type { OffsetTracker } from './offset-tracker.ts';
import { backoffMs, type BackoffPolicy } from './retry-policy.ts';

export interface MessageIntakeOptions {
  concurrency: number;
  /** Lane topics, highest priority first. */
  lanes: readonly string[];
  consumer: Pick<KafkaConsumer, 'pause' | 'resume' | 'seek'>;
  tracker: OffsetTracker;
  /**
   * Processes one message; resolves true when it is done with, false to leave it uncommitted.
   * Its job's handler runs in `slot` (one of `concurrency`, keyed-scheduler.ts): acquired once
   * the job may start, released when the handler returned.
   */
  process: (message: IncomingMessage, slot: Slot) => Promise<boolean>;
  /** The delay before a message whose processing threw is tried again. */
  infrastructureBackoff: BackoffPolicy;
  /** How long resumed partitions may wait for their next fetch, in ms (the gate's buffer covers it). */
  refillMs?: number;
  logger: Logger;
  random?: () => number;
}

export class MessageIntake {
  readonly #options: MessageIntakeOptions;
  readonly #scheduler: KeyedScheduler;
  readonly #gate: AdmissionGate;
  readonly #random: () => number;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #open = false;

  constructor(options: MessageIntakeOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
    // Paused partitions resume only once a finished job has left the scheduler.
    this.#scheduler = new KeyedScheduler(options.concurrency, () => {
      if (this.#open) this.#gate.ended();
    });
    this.#gate = new AdmissionGate(options.concurrency, () => this.#scheduler.size, options.consumer, {
      ...(options.refillMs === undefined ? {} : { refillMs: options.refillMs }),
    });
  }

  /** True while a PAUSE_STAGE command holds the stage. */
  get paused(): boolean {
    return this.#gate.suspended;
  }

  /** Starts taking delivered messages in. */
  open(): void {
    this.#open = true;
  }

  /** Takes a delivered message in unless the intake is closed or the gate holds it (then false). Never blocks. */
  admit(message: IncomingMessage): boolean {
    if (!this.#open) return false;
    const priority = this.#priority(message.topic);
    if (!this.#gate.offer(message, priority)) return false;
    this.#receive(message, priority);
    this.#gate.taken(message, priority);
    return true;
  }

  /**
   * Takes in one partition's fetched messages, in order, up to the first one held (the gate has
   * sought the partition back to it). The whole fetch is taken in even when the gate pauses the
   * partition midway, past its limit: kafkajs drops a paused partition's undelivered messages
   * and fetches and decodes them again on resume (each noop request four times in a 20,000
   * burst, issue 12), and a fetch is at most the stage's bytes per partition.
   */
  admitBatch(messages: readonly IncomingMessage[]): void {
    for (const message of messages) if (!this.admit(message)) return;
  }

  /** Jobs run at once at most now: the stage's concurrency, or fewer by its concurrency record. */
  get concurrency(): number {
    return this.#scheduler.slots;
  }

  /**
   * Runs at most `perWorker` jobs at once from now on, never more than the stage's concurrency
   * (keyed-scheduler.ts); returns what is in force. The jobs taken in ahead stay bounded by the
   * stage's concurrency (admission-gate.ts): they wait for a slot, uncommitted, as they do when all are busy.
   */
  setConcurrency(perWorker: number): number {
    return this.#scheduler.setSlots(perWorker);
  }

  /** Holds (PAUSE_STAGE) or releases (RESUME_STAGE) the stage: no job starts while held. */
  pause(paused: boolean): void {
    this.#scheduler.hold(paused);
    this.#gate.suspend(paused);
  }

  /**
   * Stops taking messages in and starting jobs; jobs taken in but not started stay uncommitted
   * (the next owner runs them). Resolves when the running jobs end, or after `graceMs`.
   */
  async drain(graceMs: number): Promise<void> {
    this.#open = false;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    // Jobs not yet in a slot end as a shutdown ends them: uncommitted, for the next owner.
    this.#scheduler.stop(() => new ShutdownError());
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs).unref();
    });
    await Promise.race([this.#scheduler.idle(), grace]);
    clearTimeout(timer);
  }

  /** Resolves when every job taken in has ended. */
  idle(): Promise<void> {
    return this.#scheduler.idle();
  }

  #receive(message: IncomingMessage, priority: number): void {
    const { tracker } = this.#options;
    tracker.begin(message.topic, message.partition, message.offset);
    const key = message.key?.toString('utf8') ?? `${message.topic}/${message.partition}/${message.offset}`;
    let failures = 0;
    const run = async (slot: Slot): Promise<void> => {
      let done = false;
      try {
        done = await this.#options.process(message, slot);
      } catch (error) {
        failures += 1;
        this.#tryAgainLater(message, failures, error, () => this.#scheduler.add(key, run, priority));
      } finally {
        if (done) tracker.finish(message.topic, message.partition, message.offset);
      }
    };
    this.#scheduler.add(key, run, priority);
  }

  #tryAgainLater(message: IncomingMessage, failures: number, error: unknown, again: () => void): void {
    const delayMs = backoffMs(this.#options.infrastructureBackoff, failures, this.#random());
    this.#options.logger.error(
      { err: error, topic: message.topic, offset: message.offset, failures, delayMs },
      'job not processed; trying again',
    );
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (this.#open) again();
    }, delayMs);
    timer.unref();
    this.#retryTimers.add(timer);
  }

  /** 0 for the highest lane; a topic that is no lane (never delivered) counts as the highest. */
  #priority(topic: string): number {
    return Math.max(0, this.#options.lanes.indexOf(topic));
  }
}
