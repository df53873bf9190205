/**
 * Decides which delivered messages a stage takes in, so higher lanes are drained first and
 * a full worker stops fetching while its consumer keeps heartbeating:
 *
 * - a message of a lower lane is taken in; once 4 x `concurrency` jobs are in hand (running,
 *   or waiting in the scheduler as a buffer that keeps the slots busy while fetching resumes),
 *   its partition is paused until the jobs in hand fall to half that (the rest of the fetch
 *   that delivered the message is still taken in: MessageIntake.admitBatch);
 * - fast jobs get a larger buffer: a resumed partition is read again only after the fetch in
 *   flight and one more (`refillMs`), so the jobs left at the resume must last that long. The gate
 *   measures how many jobs end per second and keeps the resume level at least as many jobs as
 *   end within one refill (`refillMs`), up to 64 x `concurrency` in hand. Without it a no-op
 *   burst at concurrency 16 ran in cycles of ~69 jobs per ~125 ms, idle half the time. The cap
 *   was 32 x until a job's handler alone held its slot: jobs then spend most of their time in
 *   hand waiting for their outcome to be produced (a produce round trip or two), and 512 in hand
 *   bounded a 20,000 no-op burst to ~4,000 jobs/s (5,500-6,000 with 2,048, issue 12). It was 128 x
 *   until the fetches shrank (stage-assembly.ts): every job in hand has started its attempt, and
 *   up to 4,300 in hand kept ~30 MB alive through each young-generation collection of a burst;
 * - the highest lane's partitions pause only at twice that, so a HIGH job behind a
 *   backlog of LOW ones is taken in at once and runs at the next free slot (the scheduler
 *   prefers it);
 * - while the stage is paused (PAUSE_STAGE) a delivered message is not taken in: its
 *   partition is paused and sought back to it, so it is fetched again on RESUME_STAGE.
 *
 * Only partitions that delivered a message are paused: kafkajs 2.2.4 never resumes a
 * partition paused before its first fetch (tulios/kafkajs#1599).
 */
import type { IncomingMessage, KafkaConsumer } from '../kafka.ts';

/** The most jobs a lower lane keeps in hand, as a multiple of the concurrency, however fast they end. */
const MAX_IN_HAND_FACTOR = 64;
/** How often the rate of ended jobs is measured, in milliseconds. */
const RATE_WINDOW_MS = 250;

/**
 * How many jobs may be in hand before a partition of `priority` (0 = highest lane) pauses
 * (pure). `refillJobs` is how many jobs end during one refill at the measured pace.
 */
export function admissionLimit(priority: number, concurrency: number, refillJobs = 0): number {
  const lower = Math.max(4 * concurrency, Math.min(2 * Math.ceil(refillJobs), MAX_IN_HAND_FACTOR * concurrency));
  return priority === 0 ? 2 * lower : lower;
}

/** Paused partitions resume at half their limit, so each resume lets a whole batch in (pure). */
export function resumeLevel(priority: number, concurrency: number, refillJobs = 0): number {
  return Math.floor(admissionLimit(priority, concurrency, refillJobs) / 2);
}

export interface AdmissionGateTiming {
  /** How long paused partitions may wait for their next fetch after resuming, in ms (default 150). */
  refillMs?: number;
  /** A clock in ms for the pace's window; @default performance.now (monotonic) */
  now?: () => number;
}

interface PausedPartition {
  topic: string;
  partition: number;
  priority: number;
}

export class AdmissionGate {
  readonly #concurrency: number;
  readonly #inHand: () => number;
  readonly #consumer: Pick<KafkaConsumer, 'pause' | 'resume' | 'seek'>;
  readonly #paused = new Map<string, PausedPartition>();
  readonly #refillMs: number;
  readonly #now: () => number;
  #suspended = false;
  /** Jobs that end during one refill at the pace last measured. */
  #refillJobs = 0;
  #windowStart: number;
  #endedInWindow = 0;

  /** `inHand` counts the jobs taken in and not finished. */
  constructor(
    concurrency: number,
    inHand: () => number,
    consumer: Pick<KafkaConsumer, 'pause' | 'resume' | 'seek'>,
    timing: AdmissionGateTiming = {},
  ) {
    this.#concurrency = concurrency;
    this.#inHand = inHand;
    this.#consumer = consumer;
    this.#refillMs = timing.refillMs ?? 150;
    this.#now = timing.now ?? (() => performance.now());
    this.#windowStart = this.#now();
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  /** True if the message is to be taken in; called as it is delivered. */
  offer(message: IncomingMessage, priority: number): boolean {
    if (this.#suspended) {
      this.#pause(message, priority);
      this.#consumer.seek({ topic: message.topic, partition: message.partition, offset: message.offset });
      return false;
    }
    return true;
  }

  /** Called after a message was taken in: pauses its partition if its lane is full. */
  taken(message: IncomingMessage, priority: number): void {
    if (this.#inHand() >= admissionLimit(priority, this.#concurrency, this.#refillJobs)) this.#pause(message, priority);
  }

  /** Called when a job taken in has ended: measures the pace, then resumes what may flow. */
  ended(): void {
    this.#endedInWindow += 1;
    const elapsed = this.#now() - this.#windowStart;
    if (elapsed >= RATE_WINDOW_MS) {
      this.#refillJobs = (this.#endedInWindow / elapsed) * this.#refillMs;
      this.#windowStart += elapsed;
      this.#endedInWindow = 0;
    }
    this.changed();
  }

  /** Resumes the partitions whose lanes may flow again (a job finished, or the stage resumed). */
  changed(): void {
    if (this.#suspended) return;
    for (const [key, paused] of this.#paused) {
      if (this.#inHand() > resumeLevel(paused.priority, this.#concurrency, this.#refillJobs)) continue;
      this.#paused.delete(key);
      this.#consumer.resume([{ topic: paused.topic, partition: paused.partition }]);
    }
  }

  suspend(suspended: boolean): void {
    this.#suspended = suspended;
    this.changed();
  }

  #pause(message: IncomingMessage, priority: number): void {
    const key = `${message.topic}\u0000${message.partition}`;
    const known = this.#paused.get(key);
    this.#paused.set(key, {
      topic: message.topic,
      partition: message.partition,
      priority: known?.priority ?? priority,
    });
    this.#consumer.pause([{ topic: message.topic, partition: message.partition }]);
  }
}
